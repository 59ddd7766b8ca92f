namespace FastMail.Tests.TestKit;

/// <summary>
/// A clock the test moves by hand: the monotonic timestamp (timeouts, TTLs, rate windows) moves only on
/// <see cref="Advance"/>, so a minute passes in no time; the wall clock is the system's, shifted by a fixed offset
/// (certificate expiry without waiting two years). Timers stay real.
/// </summary>
internal sealed class ManualClock(TimeSpan wallClockOffset = default) : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + wallClockOffset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
