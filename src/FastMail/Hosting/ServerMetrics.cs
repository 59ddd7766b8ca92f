using System.Net;
using FastMail.Core.Diagnostics;
using FastMail.Core.Diagnostics.Metrics;
using FastMail.Web.Metrics;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>
/// One server's metrics: the instruments (always there, so components can record unconditionally), and, only when
/// metrics.listen is set, the collector that aggregates them and the `/metrics` endpoint that shows them. With metrics
/// off nobody listens to the instruments and a recording is a check of an empty list.
/// </summary>
internal sealed class ServerMetrics : IAsyncDisposable
{
    private MetricsServer? _server;

    public ServerMetrics(bool enabled)
    {
        Collector = enabled ? new MetricsCollector(Instruments) : null;
    }

    public MailMetrics Instruments { get; } = new();

    /// <summary>The aggregated values; null when metrics.listen is empty.</summary>
    public MetricsCollector? Collector { get; }

    /// <summary>The bound endpoints of `/metrics` (empty when off).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => _server?.EndPoints ?? [];

    /// <summary>Connects the observable instruments to their sources and, when on, opens the endpoint.</summary>
    public void Start(IReadOnlyList<IPEndPoint> listen, MetricSources sources, ILoggerFactory loggerFactory)
    {
        Instruments.Observe(sources);
        if (Collector is not null && listen.Count > 0)
        {
            _server = MetricsServer.StartAsync(listen, Collector, loggerFactory).GetAwaiter().GetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Collector?.Dispose();
        Instruments.Dispose();
    }
}
