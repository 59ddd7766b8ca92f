using System.Diagnostics;

namespace FastMail.Load.Simulations;

/// <summary>The time line of one run: warm-up from 0, measured window, stop; all as elapsed times.</summary>
internal sealed class RunClock
{
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

    public RunClock(TimeSpan warmup, TimeSpan duration)
    {
        WarmupEnd = warmup;
        StopAt = warmup + duration;
    }

    public TimeSpan WarmupEnd { get; }

    /// <summary>No operation starts (or is scheduled) at or after this time.</summary>
    public TimeSpan StopAt { get; }

    public TimeSpan Now => _stopwatch.Elapsed;

    /// <summary>
    /// Completes at <paramref name="at"/> or shortly after: timers for the bulk, a yield loop only for
    /// the last 200 µs, so many waiting workers do not burn the CPU the server needs. Waking late
    /// only makes the recorded latency (from the intended start) slightly pessimistic.
    /// </summary>
    public async ValueTask WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        while (true)
        {
            var remaining = at - Now;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            if (remaining > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(remaining - TimeSpan.FromMilliseconds(1), cancellationToken);
            }
            else if (remaining > TimeSpan.FromMicroseconds(200))
            {
                await Task.Delay(1, cancellationToken);
            }
            else
            {
                await Task.Yield();
            }
        }
    }
}
