using System.Net;
using FastMail.Web.Api;
using FastMail.Web.Security;
using FastMail.Web.Static;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastMail.Web;

/// <summary>
/// The web interface on Kestrel, in the mail server's process: webmail pages and JSON API, the admin pages through
/// <see cref="WebServices.MapExtra"/>, static files embedded in this assembly. Logs through the host's logger factory;
/// the process's signals stay the host's (no console lifetime here).
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Task? _stopping;

    private WebServer(WebApplication app, IReadOnlyList<IPEndPoint> endPoints, IReadOnlyList<IPEndPoint> httpsEndPoints)
    {
        _app = app;
        EndPoints = endPoints;
        HttpsEndPoints = httpsEndPoints;
    }

    /// <summary>The bound plain-HTTP endpoints (port 0 in the options becomes the port the OS chose).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>The bound HTTPS endpoints.</summary>
    public IReadOnlyList<IPEndPoint> HttpsEndPoints { get; }

    public static async Task<WebServer> StartAsync(WebOptions options, WebServices services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (options.HttpsListen.Count > 0 && options.Certificate is null)
        {
            throw new ArgumentException("HTTPS listeners need a certificate.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(WebServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(new WebLoggerFactory(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxRequestBodySize;
            form.ValueLengthLimit = (int)Math.Min(int.MaxValue, options.MaxRequestBodySize);
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
            foreach (var endPoint in options.Listen)
            {
                kestrel.Listen(endPoint);
            }

            foreach (var endPoint in options.HttpsListen)
            {
                var certificate = options.Certificate!;
                kestrel.Listen(endPoint, listen => listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate()));
            }
        });

        var app = builder.Build();
        var logger = loggerFactory.CreateLogger("FastMail.Web");
        var sessions = new WebSessionStore(options.SessionIdle);
        var state = new WebState(services, options, sessions, logger);
        var files = StaticFiles.Load();

        app.UseWebSecurity(sessions);
        app.MapGet("/static/{**path}", (RequestDelegate)files.ServeAsync);
        Pages.Map(app, files);
        AuthEndpoints.Map(app, state);
        MailEndpoints.Map(app, state);
        ComposeEndpoints.Map(app, state);
        services.MapExtra?.Invoke(app);

        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A listener that cannot bind (address in use) surfaces as an IOException naming the address; free what started.
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var http = new List<IPEndPoint>();
        var https = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            var endPoint = new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
            (uri.Scheme == Uri.UriSchemeHttps ? https : http).Add(endPoint);
            WebLog.Listening(logger, uri.Scheme == Uri.UriSchemeHttps ? "HTTPS" : "HTTP", endPoint.ToString());
        }

        return new WebServer(app, http, https);
    }

    /// <summary>Stops accepting, lets requests in flight finish (a few seconds at most), and frees the server.</summary>
    public Task StopAsync() => _stopping ??= StopCoreAsync();

    private async Task StopCoreAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The mail server owns the process's signals and shutdown; the web host only starts and stops when told.</summary>
    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
