using System.Diagnostics;
using System.Net;
using FastMail.Load.Cli;
using FastMail.Load.Protocol;
using FastMail.Load.Report;

namespace FastMail.Load.Scenarios;

/// <summary>
/// connections: opens --concurrency idle connections (each reads its greeting line), samples the
/// server's RSS once they are all open, holds them until --duration has passed, then closes them.
/// The histogram is connect-to-greeting latency.
/// </summary>
internal sealed class ConnectionsScenario
{
    // How many connects are in flight while ramping up: enough to be quick, few enough not to hit the listen backlog.
    private const int OpeningParallelism = 64;
    private static readonly TimeSpan PlateauSettle = TimeSpan.FromSeconds(1);

    private readonly LoadOptions _options;
    private readonly ServerProbe _probe;

    public ConnectionsScenario(LoadOptions options, ServerProbe probe)
    {
        _options = options;
        _probe = probe;
    }

    public async Task<RunResult> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var endPoint = new IPEndPoint(_options.Host, _options.Port);
        var tally = new MetricTally("connect-greeting");
        var open = new List<LineConnection>(_options.Concurrency);
        var gate = new object();
        var stopwatch = Stopwatch.StartNew();
        var deadline = _options.Warmup + _options.Duration;
        using var hardStop = new CancellationTokenSource(deadline + _options.Timeout);
        var rssBefore = _probe.Enabled ? _probe.RssKib() : 0;
        var cpuBefore = _probe.Enabled ? _probe.CpuSeconds() : 0;

        var next = -1;
        var openers = Enumerable.Range(0, Math.Min(OpeningParallelism, _options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < _options.Concurrency && stopwatch.Elapsed < deadline)
            {
                var started = stopwatch.Elapsed;
                try
                {
                    var connection = await LineConnection.ConnectAsync(endPoint, _options.Timeout, hardStop.Token);
                    try
                    {
                        await connection.ReadLineAsync(hardStop.Token);
                    }
                    catch
                    {
                        await connection.DisposeAsync();
                        throw;
                    }
                    lock (gate)
                    {
                        open.Add(connection);
                        tally.RecordOk(stopwatch.Elapsed - started);
                    }
                }
                catch (Exception e) when (!hardStop.IsCancellationRequested)
                {
                    lock (gate)
                    {
                        tally.RecordFailure(Failure.KindOf(e));
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(openers);
        var rampUp = stopwatch.Elapsed;

        await Task.Delay(PlateauSettle);
        var rssPlateau = _probe.Enabled ? _probe.RssKib() : 0;
        var cpuPlateau = _probe.Enabled ? _probe.CpuSeconds() : 0;
        var remaining = deadline - stopwatch.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }
        Console.Error.WriteLine($"connections: {open.Count} open after {rampUp.TotalSeconds:0.00} s, server RSS {rssBefore} -> {rssPlateau} KiB");
        foreach (var connection in open)
        {
            await connection.DisposeAsync();
        }
        return new RunResult
        {
            Scenario = _options.Scenario,
            Label = _options.Label,
            Model = $"{_options.Concurrency} idle connections, held {deadline.TotalSeconds:0.#} s",
            CommandLine = _options.CommandLine,
            StartedAt = startedAt,
            MeasuredWindow = rampUp,
            Metrics = [tally],
            ServerCpuSeconds = _probe.Enabled ? cpuPlateau - cpuBefore : null,
            ServerRssKibStart = _probe.Enabled ? rssBefore : null,
            ServerRssKibEnd = _probe.Enabled ? rssPlateau : null,
            ConnectionsHeld = open.Count,
        };
    }
}
