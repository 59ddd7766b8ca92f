using System.Globalization;
using System.Text;

namespace FastMail.Load.Report;

/// <summary>Renders a run as a markdown page: setup, one latency row per metric, errors, server cost.</summary>
internal static class MarkdownReport
{
    public static string Render(RunResult run)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# Load run: {run.Scenario}{(run.Label.Length > 0 ? $" ({run.Label})" : "")}");
        md.AppendLine();
        md.AppendLine(c, $"- started: {run.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        md.AppendLine(c, $"- model: {run.Model}");
        md.AppendLine(c, $"- measured window: {run.MeasuredWindow.TotalSeconds:0.000} s (warm-up excluded)");
        md.AppendLine(c, $"- command: `FastMail.Load {run.CommandLine}`");
        md.AppendLine();
        md.AppendLine("| metric | ok | errors | op/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in run.Metrics)
        {
            md.AppendLine(c, $"| {m.Name} | {m.Ok} | {m.Failed} | {run.Throughput(m):0.0} | {m.PercentileMs(50):0.###} | {m.PercentileMs(90):0.###} | {m.PercentileMs(99):0.###} | {m.PercentileMs(99.9):0.###} | {m.MaxMs:0.###} |");
        }
        var errors = run.Metrics.SelectMany(m => m.Errors.Select(e => (Metric: m.Name, e.Key, e.Value))).ToList();
        if (errors.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| metric | error | count |");
            md.AppendLine("|---|---|---:|");
            foreach (var (metric, key, count) in errors.OrderByDescending(e => e.Value))
            {
                md.AppendLine(c, $"| {metric} | {key} | {count} |");
            }
        }
        if (run.Metrics.Any(m => m.Notes.Count > 0))
        {
            md.AppendLine();
        }
        foreach (var m in run.Metrics)
        {
            foreach (var (note, count) in m.Notes)
            {
                md.AppendLine(c, $"- {m.Name}: {note} {count}");
            }
        }
        if (run.Relay is { } relay)
        {
            RenderRelay(md, relay);
        }
        if (run.ServerCpuSeconds is { } cpu)
        {
            md.AppendLine();
            md.AppendLine(c, $"- server CPU over the {(run.Relay is null ? "window" : "submission and the drain")}: {cpu:0.00} s user+sys{(run.CpuMsPerOp is { } per ? $", {per:0.000} ms per successful operation" : "")}");
            md.AppendLine(c, $"- server RSS: {run.ServerRssKibStart} KiB at window start, {run.ServerRssKibEnd} KiB at the end");
        }
        if (run.MachineBusyShare is { } busy)
        {
            md.AppendLine(c, $"- the machine's {Environment.ProcessorCount} cores were {busy * 100:0}% busy over the window (every process); the load runner took {run.RunnerCpuSeconds ?? 0:0.00} s of CPU");
        }
        if (run.ConnectionsHeld is { } held)
        {
            md.AppendLine(c, $"- idle connections held: {held}");
            if (run.ServerRssKibStart is { } before && run.ServerRssKibEnd is { } plateau && held > 0)
            {
                md.AppendLine(c, $"- server RSS per idle connection: {(plateau - before) / (double)held:0.0} KiB");
            }
        }
        return md.ToString();
    }

    private static void RenderRelay(StringBuilder md, RelaySummary relay)
    {
        var c = CultureInfo.InvariantCulture;
        md.AppendLine();
        md.AppendLine("## At the sink");
        md.AppendLine();
        md.AppendLine("| submitted msg/s | delivered msg/s | acknowledged | delivered | missing | duplicates | corrupt |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(c, $"| {relay.SubmittedPerSecond:0.0} | {relay.DeliveredPerSecond:0.0} | {relay.Acknowledged} | {relay.Delivered} | {relay.Missing} | {relay.Duplicates} | {relay.Corrupt} |");
        md.AppendLine();
        md.AppendLine("| latency to the sink | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (m, what) in new[] { (relay.AfterAck, "after the 250 to DATA"), (relay.AfterSubmit, "after MAIL FROM") })
        {
            md.AppendLine(c, $"| {what} | {m.PercentileMs(50):0.###} | {m.PercentileMs(90):0.###} | {m.PercentileMs(99):0.###} | {m.PercentileMs(99.9):0.###} | {m.MaxMs:0.###} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"- submitted: first MAIL FROM to last 250 after DATA, {relay.SubmitWindow.TotalSeconds:0.000} s; delivered: first 250 to last arrival, {relay.DeliverWindow.TotalSeconds:0.000} s");
        md.AppendLine(c, $"- sink connections: {relay.SinkConnections}; attempted {relay.Attempted}; arrived without acknowledgement {relay.DeliveredUnacknowledged}; unknown ids {relay.Unexpected}; without id {relay.WithoutId}; arrived before the sender read 250: {relay.ArrivedBeforeAck}");
    }

    /// <summary>One machine-readable line (key=value) for scripts such as scripts/compare.</summary>
    public static string ResultLine(RunResult run)
    {
        var c = CultureInfo.InvariantCulture;
        var all = new MetricTally("all");
        foreach (var m in run.Metrics)
        {
            all.Add(m);
        }
        var line = new StringBuilder("RESULT");
        line.Append(c, $" scenario={run.Scenario} ok={run.TotalOk} errors={run.TotalFailed} seconds={run.MeasuredWindow.TotalSeconds:0.000}");
        line.Append(c, $" ops_per_s={run.TotalThroughput:0.0} p50_ms={all.PercentileMs(50):0.###} p99_ms={all.PercentileMs(99):0.###} max_ms={all.MaxMs:0.###}");
        if (all.Notes.TryGetValue("checksum-verified", out var verified) || all.Errors.ContainsKey("corrupt-message"))
        {
            line.Append(c, $" verified={verified} corrupt={all.Errors.GetValueOrDefault("corrupt-message")}");
        }
        if (run.Relay is { } relay)
        {
            line.Append(c, $" submitted_per_s={relay.SubmittedPerSecond:0.0} delivered_per_s={relay.DeliveredPerSecond:0.0} acknowledged={relay.Acknowledged} delivered={relay.Delivered}");
            line.Append(c, $" missing={relay.Missing} duplicates={relay.Duplicates} corrupt={relay.Corrupt} sink_connections={relay.SinkConnections}");
            line.Append(c, $" e2e_p50_ms={relay.AfterAck.PercentileMs(50):0.###} e2e_p99_ms={relay.AfterAck.PercentileMs(99):0.###} e2e_max_ms={relay.AfterAck.MaxMs:0.###}");
            line.Append(c, $" submit_e2e_p50_ms={relay.AfterSubmit.PercentileMs(50):0.###} submit_e2e_p99_ms={relay.AfterSubmit.PercentileMs(99):0.###}");
        }
        if (run.OpenTime is { } open)
        {
            line.Append(c, $" open_s={open.TotalSeconds:0.000}");
        }
        if (run.ServerCpuSeconds is { } cpu)
        {
            line.Append(c, $" cpu_s={cpu:0.00} cpu_ms_per_op={run.CpuMsPerOp ?? 0:0.000} rss_kib={run.ServerRssKibEnd}");
        }
        if (run.MachineBusyShare is { } busy)
        {
            line.Append(c, $" machine_busy_pct={busy * 100:0.0}");
        }
        if (run.RunnerCpuSeconds is { } runnerCpu && run.TotalOk > 0)
        {
            line.Append(c, $" runner_cpu_ms_per_op={runnerCpu * 1000 / run.TotalOk:0.000}");
        }
        if (run.ConnectionsHeld is { } held)
        {
            line.Append(c, $" held={held} rss_before_kib={run.ServerRssKibStart}");
            if (run.ServerRssKibStart is { } before && run.ServerRssKibEnd is { } end && held > 0)
            {
                line.Append(c, $" rss_end_kib={end} rss_per_connection_kib={(end - before) / (double)held:0.00}");
            }
        }
        return line.ToString();
    }
}
