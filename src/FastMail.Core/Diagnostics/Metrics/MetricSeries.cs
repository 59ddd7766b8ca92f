namespace FastMail.Core.Diagnostics.Metrics;

/// <summary>
/// The value of one instrument for one set of label values: a sum (counters), a last value (observable instruments),
/// or histogram buckets. Updated lock-free from any thread; read by the scrape.
/// </summary>
internal sealed class MetricSeries
{
    private long _long;
    private double _double;
    private long _count;
    private double _sum;

    public MetricSeries(string[] keys, string[] values, int buckets)
    {
        Keys = keys;
        Values = values;
        Buckets = buckets > 0 ? new long[buckets + 1] : null;
    }

    public string[] Keys { get; }

    public string[] Values { get; }

    /// <summary>Per bucket (the last one is +Inf), not cumulative; null unless a histogram.</summary>
    public long[]? Buckets { get; }

    public long Long => Interlocked.Read(ref _long);

    public double Double => Volatile.Read(ref _double);

    public long Count => Interlocked.Read(ref _count);

    public double Sum => Volatile.Read(ref _sum);

    public void Add(long value) => Interlocked.Add(ref _long, value);

    public void Set(long value) => Interlocked.Exchange(ref _long, value);

    public void Set(double value) => Interlocked.Exchange(ref _double, value);

    public void Add(double value) => AddDouble(ref _double, value);

    public void Record(double value, int bucket)
    {
        Interlocked.Increment(ref Buckets![bucket]);
        Interlocked.Increment(ref _count);
        AddDouble(ref _sum, value);
    }

    /// <summary>Same label names and values, in the same order (every call site passes its labels in one fixed order).</summary>
    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Keys.Length)
        {
            return false;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            // Label values are constant strings: the reference check inside string.Equals usually decides.
            if (!string.Equals(tags[i].Key, Keys[i], StringComparison.Ordinal) || !string.Equals(tags[i].Value as string ?? tags[i].Value?.ToString(), Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static void AddDouble(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
