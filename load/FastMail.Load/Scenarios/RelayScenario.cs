using System.Net;
using System.Runtime.CompilerServices;
using FastMail.Load.Cli;
using FastMail.Load.Report;
using FastMail.Load.Simulations;

namespace FastMail.Load.Scenarios;

/// <summary>
/// relay: starts the sink on --sink-port, runs senders that submit to the relaying server on
/// --port (closed or open model, like smtp-send), then waits until the sink has received every
/// message the server acknowledged, or --drain-timeout has passed since the last submission.
/// Server CPU is sampled from before the first submission to the end of the drain, because a
/// store-and-forward relay does most of its work after it has answered 250.
/// With --port equal to --sink-port the senders talk to the sink directly: the runner's own ceiling.
/// </summary>
internal sealed class RelayScenario
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    // After the last expected arrival: long enough to see a duplicate sent right behind it.
    private static readonly TimeSpan DuplicateSettle = TimeSpan.FromMilliseconds(300);

    private static readonly ConditionalWeakTable<LoadOptions, RelayLedger> Ledgers = new();

    private readonly LoadOptions _options;
    private readonly ISchedule _schedule;
    private readonly ServerProbe _probe;

    public RelayScenario(LoadOptions options, ISchedule schedule, ServerProbe probe)
    {
        _options = options;
        _schedule = schedule;
        _probe = probe;
    }

    /// <summary>The ledger of the run these options belong to; the workers <see cref="WorkerFactory"/> makes write into it.</summary>
    public static RelayLedger LedgerOf(LoadOptions options) =>
        Ledgers.TryGetValue(options, out var ledger) ? ledger : throw new InvalidOperationException("relay workers are created by RelayScenario");

    public async Task<RunResult> RunAsync()
    {
        var ledger = new RelayLedger();
        Ledgers.AddOrUpdate(_options, ledger);
        try
        {
            await using var sink = RelaySink.Start(new IPEndPoint(_options.Host, _options.SinkPort), ledger);
            var cpuBefore = _probe.Enabled ? _probe.CpuSeconds() : 0;
            var rssBefore = _probe.Enabled ? _probe.RssKib() : 0;
            var submitted = await new Simulation(_options, _schedule, _probe).RunAsync();

            var drainStarted = DateTime.UtcNow;
            var pending = ledger.Pending();
            while (pending > 0 && DateTime.UtcNow - drainStarted < _options.DrainTimeout)
            {
                await Task.Delay(PollInterval);
                pending = ledger.Pending();
            }
            if (pending > 0)
            {
                Console.Error.WriteLine($"relay: {pending} acknowledged messages still not at the sink after --drain-timeout {_options.DrainTimeout.TotalSeconds:0.#} s");
            }
            else if (ledger.AcknowledgedCount() > 0)
            {
                await Task.Delay(DuplicateSettle);
            }
            var cpuAfter = _probe.Enabled ? _probe.CpuSeconds() : 0;
            var rssAfter = _probe.Enabled ? _probe.RssKib() : 0;
            var summary = ledger.Summarize();
            var relay = new RelaySummary
            {
                Attempted = summary.Attempted,
                Acknowledged = summary.Acknowledged,
                Delivered = summary.Delivered,
                Missing = summary.Missing,
                Duplicates = summary.Duplicates,
                DeliveredUnacknowledged = summary.DeliveredUnacknowledged,
                Unexpected = summary.Unexpected,
                WithoutId = summary.WithoutId,
                Corrupt = summary.Corrupt,
                ArrivedBeforeAck = summary.ArrivedBeforeAck,
                SubmitWindow = summary.SubmitWindow,
                DeliverWindow = summary.DeliverWindow,
                AfterAck = summary.AfterAck,
                AfterSubmit = summary.AfterSubmit,
                SinkConnections = sink.Connections,
            };
            var direct = _options.Port == _options.SinkPort ? ", senders straight to the sink (runner ceiling)" : "";
            return new RunResult
            {
                Scenario = _options.Scenario,
                Label = _options.Label,
                Model = $"{submitted.Model}; sink on {_options.Host}:{_options.SinkPort}{direct}",
                CommandLine = _options.CommandLine,
                StartedAt = submitted.StartedAt,
                MeasuredWindow = submitted.MeasuredWindow,
                Metrics = submitted.Metrics,
                ServerCpuSeconds = _probe.Enabled ? cpuAfter - cpuBefore : null,
                ServerRssKibStart = _probe.Enabled ? rssBefore : null,
                ServerRssKibEnd = _probe.Enabled ? rssAfter : null,
                Relay = relay,
            };
        }
        finally
        {
            Ledgers.Remove(_options);
        }
    }
}
