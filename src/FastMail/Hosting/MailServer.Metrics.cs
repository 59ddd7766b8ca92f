using System.Net;
using FastMail.Cli;
using FastMail.Core.Diagnostics;
using FastMail.Delivery;
using FastMail.Hosting.Admin;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>The metrics of the server: where the observable instruments read, the `/metrics` endpoint, `fastmail status`.</summary>
internal sealed partial class MailServer
{
    /// <summary>The bound `/metrics` endpoints; empty when metrics.listen is.</summary>
    public IReadOnlyList<IPEndPoint> MetricsEndPoints => _metrics.EndPoints;

    /// <summary>Starts the metrics endpoint (when on) and registers `status` on the admin socket; the listeners and the queue run already.</summary>
    private void StartMetrics(MailDelivery delivery, ILoggerFactory loggerFactory)
    {
        var mailDirectory = Path.Combine(_settings.DataDirectory, "mail");
        var storage = new StorageUsage(mailDirectory);
        _metrics.Start(_settings.MetricsListen, new MetricSources
        {
            Listeners = ListenerCounts,
            QueueDepth = () => Queue.Count,
            StorageUsedBytes = storage.UsedBytes,
            StorageFreeBytes = storage.FreeBytes,
        }, loggerFactory);
        if (_admin is not null)
        {
            StatusAdminHandler.Register(_admin, new StatusAdminHandler(VersionCommand.Version, new HostStatus(this, mailDirectory, delivery), () => Queue.Count, _metrics.Collector));
        }
    }

    /// <summary>Per listener kind, summed over its addresses: the series stay one per kind whatever the addresses.</summary>
    private List<ListenerCounts> ListenerCounts() =>
        _listeners.GroupBy(l => l.Kind)
            .Select(g => new ListenerCounts(g.Key, g.Sum(l => (long)l.Listener.ActiveConnections), g.Sum(l => l.Listener.AcceptedConnections), g.Sum(l => l.Listener.RefusedConnections)))
            .ToList();
}
