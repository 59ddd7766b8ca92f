namespace FastMail.Load.Report;

/// <summary>Everything a report shows about one finished run.</summary>
internal sealed class RunResult
{
    public required string Scenario { get; init; }

    public required string Label { get; init; }

    public required string Model { get; init; }

    public required string CommandLine { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>From the end of the warm-up to the last measured completion.</summary>
    public required TimeSpan MeasuredWindow { get; init; }

    /// <summary>--open-first: how long opening every session took before the clock started.</summary>
    public TimeSpan? OpenTime { get; init; }

    public required IReadOnlyList<MetricTally> Metrics { get; init; }

    /// <summary>Server CPU seconds (user+sys, descendants included) over the measured window; null without --server-pid.</summary>
    public double? ServerCpuSeconds { get; init; }

    /// <summary>Share of all the machine's cores busy (any process) over the measured window, 0 to 1; null without /proc/stat.</summary>
    public double? MachineBusyShare { get; init; }

    /// <summary>The load runner's own CPU seconds over the measured window (it shares the machine with the server).</summary>
    public double? RunnerCpuSeconds { get; init; }

    public long? ServerRssKibStart { get; init; }

    public long? ServerRssKibEnd { get; init; }

    /// <summary>connections scenario: idle connections held at the plateau, and the greeting failures.</summary>
    public long? ConnectionsHeld { get; init; }

    /// <summary>relay: what the sink received, matched against what the server acknowledged.</summary>
    public RelaySummary? Relay { get; init; }

    public long TotalOk => Metrics.Sum(m => m.Ok);

    public long TotalFailed => Metrics.Sum(m => m.Failed);

    public double Throughput(MetricTally metric) =>
        MeasuredWindow.TotalSeconds <= 0 ? 0 : metric.Ok / MeasuredWindow.TotalSeconds;

    public double TotalThroughput => MeasuredWindow.TotalSeconds <= 0 ? 0 : TotalOk / MeasuredWindow.TotalSeconds;

    /// <summary>Server CPU milliseconds per successful operation.</summary>
    public double? CpuMsPerOp => ServerCpuSeconds is { } cpu && TotalOk > 0 ? cpu * 1000 / TotalOk : null;
}
