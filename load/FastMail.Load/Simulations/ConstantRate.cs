namespace FastMail.Load.Simulations;

/// <summary>
/// Open model: operation k is due at k / rate seconds, whatever happened before. Workers take
/// the next due slot; when all are busy a slot is taken late, and its latency still runs from
/// the intended start, so a stalled server shows up in the percentiles instead of silently
/// slowing the client down (coordinated omission, Gil Tene).
/// </summary>
internal sealed class ConstantRate : ISchedule
{
    private readonly double _rate;
    private readonly int _maxInFlight;
    private readonly long _maxOperations;
    private long _ticket = -1;

    public ConstantRate(double rate, int maxInFlight, long maxOperations)
    {
        _rate = rate;
        _maxInFlight = maxInFlight;
        _maxOperations = maxOperations;
    }

    public async ValueTask<TimeSpan?> NextAsync(RunClock clock, CancellationToken cancellationToken)
    {
        var ticket = Interlocked.Increment(ref _ticket);
        if (ticket >= _maxOperations)
        {
            return null;
        }
        var intended = TimeSpan.FromSeconds(ticket / _rate);
        if (intended >= clock.StopAt)
        {
            return null;
        }
        await clock.WaitUntilAsync(intended, cancellationToken);
        return intended;
    }

    public string Describe() => $"constant rate (open model), {_rate:0.##} op/s, at most {_maxInFlight} in flight";
}
