namespace FastMail.Load.Simulations;

/// <summary>
/// Closed model: every worker starts its next operation as soon as the previous one ends,
/// so exactly N operations are in flight. Latency runs from the actual start.
/// </summary>
internal sealed class ConstantConcurrency : ISchedule
{
    private readonly int _concurrency;
    private readonly long _maxOperations;
    private long _started;

    public ConstantConcurrency(int concurrency, long maxOperations)
    {
        _concurrency = concurrency;
        _maxOperations = maxOperations;
    }

    public ValueTask<TimeSpan?> NextAsync(RunClock clock, CancellationToken cancellationToken)
    {
        var now = clock.Now;
        if (now >= clock.StopAt || Interlocked.Increment(ref _started) > _maxOperations)
        {
            return ValueTask.FromResult<TimeSpan?>(null);
        }
        return ValueTask.FromResult<TimeSpan?>(now);
    }

    public string Describe() => $"constant concurrency (closed model), {_concurrency} workers";
}
