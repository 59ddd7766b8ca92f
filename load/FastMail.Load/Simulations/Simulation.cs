using System.Diagnostics;
using FastMail.Load.Cli;
using FastMail.Load.Report;
using FastMail.Load.Scenarios;

namespace FastMail.Load.Simulations;

/// <summary>
/// Runs N workers under a schedule: warm-up (not counted), measured window, stop by time or count,
/// then a hard cancel one I/O timeout after the stop so nothing can hang the run.
/// </summary>
internal sealed class Simulation
{
    private static readonly TimeSpan IdleBackoff = TimeSpan.FromMilliseconds(20);

    private readonly LoadOptions _options;
    private readonly ISchedule _schedule;
    private readonly ServerProbe _probe;
    private long _lastCompletionTicks;

    public Simulation(LoadOptions options, ISchedule schedule, ServerProbe probe)
    {
        _options = options;
        _schedule = schedule;
        _probe = probe;
    }

    public async Task<RunResult> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var runId = Guid.NewGuid().ToString("N")[..8];
        var workers = new IScenarioWorker[_options.Concurrency];
        var tallies = new MetricTally[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = WorkerFactory.Create(_options, i, runId);
            tallies[i] = new MetricTally(workers[i].Metric);
        }

        TimeSpan? openTime = null;
        if (_options.OpenFirst)
        {
            // All sessions at once, as clients reconnecting after a restart would: the server sees a login storm.
            using var openStop = new CancellationTokenSource(_options.Timeout * 4);
            var opening = Stopwatch.StartNew();
            await Task.WhenAll(workers.Select(w => Task.Run(() => w.OpenAsync(openStop.Token).AsTask())));
            openTime = opening.Elapsed;
        }

        var clock = new RunClock(_options.Warmup, _options.Duration);
        using var hardStop = new CancellationTokenSource(_options.Warmup + _options.Duration + _options.Timeout + TimeSpan.FromSeconds(1));

        var windowStart = Task.Run(async () =>
        {
            await clock.WaitUntilAsync(clock.WarmupEnd, hardStop.Token);
            return (Cpu: _probe.Enabled ? _probe.CpuSeconds() : 0, Rss: _probe.Enabled ? _probe.RssKib() : 0, Machine: MachineProbe.Take());
        });
        var loops = new Task[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            var worker = workers[i];
            var tally = tallies[i];
            loops[i] = Task.Run(() => WorkerLoopAsync(worker, tally, clock, hardStop.Token));
        }
        try
        {
            await Task.WhenAll(loops);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }
        var endCpu = _probe.Enabled ? _probe.CpuSeconds() : 0;
        var endRss = _probe.Enabled ? _probe.RssKib() : 0;
        var endMachine = MachineProbe.Take();
        var start = windowStart.IsCompletedSuccessfully ? windowStart.Result : (Cpu: endCpu, Rss: endRss, Machine: endMachine);

        var last = TimeSpan.FromTicks(Interlocked.Read(ref _lastCompletionTicks));
        var window = last > clock.WarmupEnd ? last - clock.WarmupEnd : TimeSpan.Zero;
        return new RunResult
        {
            Scenario = _options.Scenario,
            Label = _options.Label,
            Model = _schedule.Describe(),
            CommandLine = _options.CommandLine,
            StartedAt = startedAt,
            MeasuredWindow = window,
            OpenTime = openTime,
            Metrics = Merge(tallies),
            ServerCpuSeconds = _probe.Enabled ? endCpu - start.Cpu : null,
            ServerRssKibStart = _probe.Enabled ? start.Rss : null,
            ServerRssKibEnd = _probe.Enabled ? endRss : null,
            MachineBusyShare = MachineProbe.BusyShare(start.Machine, endMachine),
            RunnerCpuSeconds = (endMachine.RunnerCpu - start.Machine.RunnerCpu).TotalSeconds,
        };
    }

    private async Task WorkerLoopAsync(IScenarioWorker worker, MetricTally tally, RunClock clock, CancellationToken cancellationToken)
    {
        try
        {
            while (await _schedule.NextAsync(clock, cancellationToken) is { } intendedStart)
            {
                var result = await worker.RunOnceAsync(cancellationToken);
                var end = clock.Now;
                if (result.Status == OpStatus.Exhausted)
                {
                    return;
                }
                if (result.Status == OpStatus.Idle)
                {
                    await Task.Delay(IdleBackoff, cancellationToken);
                    continue;
                }
                if (intendedStart < clock.WarmupEnd)
                {
                    continue;
                }
                if (result.Status == OpStatus.Ok)
                {
                    tally.RecordOk(end - intendedStart);
                    if (result.Error is { } secondary)
                    {
                        tally.CountError(secondary);
                    }
                    if (result.Note is { } note)
                    {
                        tally.CountNote(note);
                    }
                }
                else
                {
                    tally.RecordFailure(result.Error ?? "failed");
                }
                NoteCompletion(end);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Hard stop: an operation outlived stop + timeout; it is neither a success nor counted.
        }
    }

    private void NoteCompletion(TimeSpan end)
    {
        var ticks = end.Ticks;
        var seen = Interlocked.Read(ref _lastCompletionTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _lastCompletionTicks, ticks, seen);
            if (previous == seen)
            {
                return;
            }
            seen = previous;
        }
    }

    private static List<MetricTally> Merge(MetricTally[] tallies)
    {
        var merged = new Dictionary<string, MetricTally>(StringComparer.Ordinal);
        foreach (var tally in tallies)
        {
            if (!merged.TryGetValue(tally.Name, out var target))
            {
                target = new MetricTally(tally.Name);
                merged[tally.Name] = target;
            }
            target.Add(tally);
        }
        return [.. merged.Values];
    }
}
