using HdrHistogram;

namespace FastMail.Load.Report;

/// <summary>
/// Latencies (microseconds, HdrHistogram, 3 significant digits) and counts of one metric.
/// One per worker while running (no locks on the hot path), merged per metric at the end.
/// </summary>
internal sealed class MetricTally
{
    // One hour in microseconds: longer than any bounded run, so every latency fits.
    private const long HighestTrackableMicroseconds = 3_600_000_000;

    public MetricTally(string name)
    {
        Name = name;
        Histogram = new LongHistogram(HighestTrackableMicroseconds, 3);
    }

    public string Name { get; }

    public LongHistogram Histogram { get; }

    public long Ok { get; private set; }

    public long Failed { get; private set; }

    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Counted facts that are not errors, such as how many retrieved messages passed the checksum.</summary>
    public Dictionary<string, long> Notes { get; } = new(StringComparer.Ordinal);

    public void RecordOk(TimeSpan latency)
    {
        Ok++;
        Histogram.RecordValue(Math.Clamp((long)(latency.Ticks / 10.0), 1, HighestTrackableMicroseconds));
    }

    public void RecordFailure(string error)
    {
        Failed++;
        CountError(error);
    }

    /// <summary>An error beside a success (e.g. a failed QUIT after the message was accepted).</summary>
    public void CountError(string error) => Errors[error] = Errors.GetValueOrDefault(error) + 1;

    public void CountNote(string note) => Notes[note] = Notes.GetValueOrDefault(note) + 1;

    public void Add(MetricTally other)
    {
        foreach (var (key, count) in other.Notes)
        {
            Notes[key] = Notes.GetValueOrDefault(key) + count;
        }
        Histogram.Add(other.Histogram);
        Ok += other.Ok;
        Failed += other.Failed;
        foreach (var (key, count) in other.Errors)
        {
            Errors[key] = Errors.GetValueOrDefault(key) + count;
        }
    }

    /// <summary>Latency at a percentile, in milliseconds.</summary>
    public double PercentileMs(double percentile) =>
        Histogram.TotalCount == 0 ? 0 : Histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => Histogram.TotalCount == 0 ? 0 : Histogram.GetMaxValue() / 1000.0;

    public double MeanMs => Histogram.TotalCount == 0 ? 0 : Histogram.GetMean() / 1000.0;
}
