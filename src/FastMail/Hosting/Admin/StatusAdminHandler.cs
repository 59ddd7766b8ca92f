using System.Globalization;
using FastMail.Core.Diagnostics.Metrics;
using FastMail.Web.Admin;

namespace FastMail.Hosting.Admin;

/// <summary>
/// The `status` admin command: the numbers of the metrics endpoint, for a person. Version and uptime, each listener
/// with its open connections, messages per minute, messages accepted and rejected by reason, storage used and free,
/// queue depth and failed logins by protocol.
/// </summary>
internal sealed class StatusAdminHandler(string version, IServerStatus status, Func<int> queueDepth, MetricsCollector counters)
{
    public const string Command = "status";

    /// <summary>Registers this handler as the `status` command of <paramref name="server"/>.</summary>
    public static void Register(AdminSocketServer server, StatusAdminHandler handler) => server.Register(Command, handler.HandleAsync);

    public ValueTask<AdminReply> HandleAsync(string[] args, CancellationToken cancellationToken) =>
        ValueTask.FromResult(args.Length == 0 ? AdminReply.Ok(Lines()) : AdminReply.Fail("usage: status"));

    public List<string> Lines()
    {
        var now = status.GetStatus();
        var lines = new List<string>
        {
            $"FastMail {version}, up {Uptime(now.Uptime)}",
            "",
            "Listeners:",
        };
        foreach (var listener in now.Listeners)
        {
            lines.Add($"  {listener.Protocol,-16} {listener.Endpoint,-22} {listener.Connections} open");
        }

        lines.Add("");
        lines.Add($"Messages:      {Number(now.MessagesPerMinute)} per minute");
        var rejected = counters.Read("fastmail.messages.rejected").Where(r => r.Value > 0).OrderByDescending(r => r.Value).ToList();
        lines.Add($"  accepted     {Count(Total(counters.Read("fastmail.messages.accepted")))} ({Bytes((long)Total(counters.Read("fastmail.messages.received.bytes")))})");
        lines.Add($"  rejected     {Count(rejected.Sum(r => r.Value))}{(rejected.Count == 0 ? "" : " (" + string.Join(", ", rejected.Select(r => $"{r.Labels.Replace('_', ' ')} {Count(r.Value)}")) + ")")}");

        lines.Add($"Storage:       {Bytes(now.StorageUsedBytes)} used, {(now.StorageFreeBytes is { } free ? Bytes(free) : "unknown")} free");
        lines.Add($"Queue:         {queueDepth()} {(queueDepth() == 1 ? "message" : "messages")} waiting for delivery");
        var failures = counters.Read("fastmail.login.failures").Where(f => f.Value > 0).ToList();
        lines.Add($"Failed logins: {Count(Total(failures))}{(failures.Count == 0 ? "" : " (" + string.Join(", ", failures.Select(f => $"{f.Labels} {Count(f.Value)}")) + ")")}");

        return lines;
    }

    private static double Total(IReadOnlyList<(string Labels, double Value)> series) => series.Sum(s => s.Value);

    private static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Days, then hh:mm:ss: "3d 04:05:06", "00:00:42".</summary>
    private static string Uptime(TimeSpan uptime) =>
        (uptime.Days > 0 ? $"{uptime.Days}d " : "") + uptime.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>Binary units with one decimal: 0 B, 512 B, 1.5 KiB, 2.0 GiB.</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
