using System.Diagnostics;
using System.Net;
using FastMail.Load.Cli;
using FastMail.Load.Protocol;
using FastMail.Load.Report;

namespace FastMail.Load.Scenarios;

/// <summary>
/// connections: opens --concurrency idle connections (each reads its greeting line), samples the
/// server's RSS once they are all open, holds them until --duration has passed, samples it again,
/// then closes them. "idle" (--connections N --hold 20s) holds for the whole --hold after the last
/// one opened. The histogram is connect-to-greeting latency.
/// </summary>
internal sealed class ConnectionsScenario
{
    // How many connects are in flight while ramping up: enough to be quick, few enough not to hit the listen backlog.
    private const int OpeningParallelism = 64;
    private static readonly TimeSpan PlateauSettle = TimeSpan.FromSeconds(1);

    // An idle connection only reads its greeting (RFC 5321 4.5.3.1.5: a reply line is at most 512 octets):
    // 100,000 of them with the runner's usual 64 KiB buffer would cost the client 6 GiB.
    private const int GreetingBufferSize = 1024;

    private static readonly TimeSpan MaxRampUp = TimeSpan.FromMinutes(10);

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
        // idle: the hold starts once every connection is open, however long opening 100,000 takes.
        var openUntil = _options.HoldAfterOpen ? MaxRampUp : deadline;
        using var hardStop = new CancellationTokenSource(openUntil + deadline + _options.Timeout);
        var rssBefore = _probe.Enabled ? _probe.RssKib() : 0;
        var cpuBefore = _probe.Enabled ? _probe.CpuSeconds() : 0;

        var next = -1;
        var openers = Enumerable.Range(0, Math.Min(OpeningParallelism, _options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < _options.Concurrency && stopwatch.Elapsed < openUntil)
            {
                var started = stopwatch.Elapsed;
                try
                {
                    var connection = await LineConnection.ConnectAsync(endPoint, _options.Timeout, hardStop.Token,
                        SourceAddresses.For(_options.SourceAddresses, index), GreetingBufferSize);
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
        var remaining = (_options.HoldAfterOpen ? rampUp + deadline : deadline) - stopwatch.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }
        // Sampled again at the end of the hold: memory a server allocates lazily (timers, buffers) shows up too.
        var rssHeld = _probe.Enabled ? _probe.RssKib() : 0;
        Console.Error.WriteLine($"connections: {open.Count} open after {rampUp.TotalSeconds:0.00} s, server RSS {rssBefore} -> {rssPlateau} KiB at the plateau, {rssHeld} KiB at the end of the hold");
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
            ServerRssKibEnd = _probe.Enabled ? Math.Max(rssPlateau, rssHeld) : null,
            ConnectionsHeld = open.Count,
        };
    }
}
