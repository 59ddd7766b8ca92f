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

    /// <summary>Completes at <paramref name="at"/>; Task.Delay for the bulk, then a short spin for the last millisecond.</summary>
    public async ValueTask WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        var remaining = at - Now;
        if (remaining > TimeSpan.FromMilliseconds(2))
        {
            await Task.Delay(remaining - TimeSpan.FromMilliseconds(1), cancellationToken);
        }
        while (Now < at)
        {
            await Task.Yield();
        }
    }
}
