using System.Diagnostics.Metrics;

namespace FastMail.Core.Diagnostics.Metrics;

/// <summary>How an instrument's measurements combine: added up, replaced (observed), or counted into buckets.</summary>
internal enum Aggregation : byte
{
    Sum,
    LastValue,
    Histogram,
}

/// <summary>
/// One instrument's series, found by label values with a linear scan of a copy-on-write array: the label sets are small
/// fixed lists (a dozen verbs, eight reasons), so the scan beats hashing and the steady state allocates nothing. A new
/// label set takes the lock once and is added for good.
/// </summary>
internal sealed class InstrumentState
{
    private readonly Lock _gate = new();
    private MetricSeries[] _series = [];

    public InstrumentState(Instrument instrument, Aggregation aggregation, double[] bounds)
    {
        Instrument = instrument;
        Aggregation = aggregation;
        Bounds = bounds;
    }

    public Instrument Instrument { get; }

    public Aggregation Aggregation { get; }

    /// <summary>Histogram bucket upper bounds, ascending (empty unless a histogram).</summary>
    public double[] Bounds { get; }

    public IReadOnlyList<MetricSeries> Series => Volatile.Read(ref _series);

    public MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var series in Volatile.Read(ref _series))
        {
            if (series.Matches(tags))
            {
                return series;
            }
        }

        return Add(tags);
    }

    public int BucketOf(double value)
    {
        var bounds = Bounds;
        var i = 0;
        while (i < bounds.Length && value > bounds[i])
        {
            i++;
        }

        return i;
    }

    private MetricSeries Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            foreach (var series in _series)
            {
                if (series.Matches(tags))
                {
                    return series;
                }
            }

            var keys = new string[tags.Length];
            var values = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                keys[i] = tags[i].Key;
                values[i] = tags[i].Value as string ?? tags[i].Value?.ToString() ?? "";
            }

            var added = new MetricSeries(keys, values, Aggregation == Aggregation.Histogram ? Bounds.Length : 0);
            Volatile.Write(ref _series, [.. _series, added]);
            return added;
        }
    }
}
