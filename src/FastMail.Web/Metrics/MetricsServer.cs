using System.Net;
using FastMail.Core.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastMail.Web.Metrics;

/// <summary>
/// `GET /metrics` in the Prometheus text format on its own small Kestrel host, bound to metrics.listen: apart from
/// web.listen so that it can stay on loopback (or a monitoring network) while the webmail faces users. No login: bind
/// it only where the scraper can reach it and nobody else. Anything but GET/HEAD /metrics is 404.
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Task? _stopping;

    private MetricsServer(WebApplication app, IReadOnlyList<IPEndPoint> endPoints)
    {
        _app = app;
        EndPoints = endPoints;
    }

    /// <summary>The bound endpoints (port 0 in the options becomes the port the OS chose).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    public static async Task<MetricsServer> StartAsync(IReadOnlyList<IPEndPoint> listen, MetricsCollector collector, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(MetricsServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(new WebLoggerFactory(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var endPoint in listen)
            {
                kestrel.Listen(endPoint);
            }
        });

        var app = builder.Build();
        app.MapMethods("/metrics", ["GET", "HEAD"], (RequestDelegate)(context =>
        {
            context.Response.ContentType = MetricsCollector.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(collector.WriteText(), context.RequestAborted);
        }));

        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var logger = loggerFactory.CreateLogger("FastMail.Metrics");
        var endPoints = new List<IPEndPoint>();
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var uri = new Uri(address);
            var endPoint = new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
            endPoints.Add(endPoint);
            WebLog.Listening(logger, "Metrics", endPoint.ToString());
        }

        return new MetricsServer(app, endPoints);
    }

    public Task StopAsync() => _stopping ??= StopCoreAsync();

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopCoreAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    /// <summary>The mail server owns the process's signals and shutdown.</summary>
    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
