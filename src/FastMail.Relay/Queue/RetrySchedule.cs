namespace FastMail.Relay.Queue;

/// <summary>
/// When to try a deferred message again, when to give up, when to warn: pure functions of <see cref="QueueOptions"/>
/// and times, so the queue's policy is testable without a clock. The backoff doubles per failed attempt, from
/// <see cref="QueueOptions.FirstRetry"/> to <see cref="QueueOptions.MaxRetry"/> (5, 10, 20, 40 minutes, then every
/// 4000 s with the defaults), like Postfix's minimal/maximal_backoff_time.
/// </summary>
public sealed class RetrySchedule
{
    private readonly QueueOptions _options;

    public RetrySchedule(QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FirstRetry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FirstRetry, "FirstRetry must be positive");
        }

        if (options.MaxRetry < options.FirstRetry)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRetry, "MaxRetry must be at least FirstRetry");
        }

        if (options.GiveUpAfter <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.GiveUpAfter, "GiveUpAfter must be positive");
        }

        _options = options;
    }

    public QueueOptions Options => _options;

    /// <summary>
    /// When to try next. <paramref name="attemptsSoFar"/> counts the attempts made, the one that just failed included:
    /// 0 means never tried, so now; 1 waits FirstRetry, each further attempt doubles the wait, capped at MaxRetry.
    /// The wait never runs past the give-up time (arrival + GiveUpAfter): the last attempt happens at that moment, not
    /// up to MaxRetry after it; once that time has passed, <see cref="ShouldGiveUp"/> is true and this returns now.
    /// </summary>
    public DateTimeOffset NextAttempt(DateTimeOffset arrived, int attemptsSoFar, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attemptsSoFar);
        if (attemptsSoFar == 0)
        {
            return now;
        }

        var next = now + Backoff(attemptsSoFar);
        var giveUpAt = GiveUpAt(arrived);
        if (next > giveUpAt)
        {
            next = giveUpAt > now ? giveUpAt : now;
        }

        return next;
    }

    /// <summary>The wait after <paramref name="attemptsSoFar"/> failed attempts (at least 1): FirstRetry × 2^(n-1), at most MaxRetry.</summary>
    public TimeSpan Backoff(int attemptsSoFar)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsSoFar, 1);
        var wait = _options.FirstRetry;
        for (var i = 1; i < attemptsSoFar && wait < _options.MaxRetry; i++)
        {
            // Doubling stops at the cap, so this never overflows however many attempts a message has had.
            wait = wait.Ticks > _options.MaxRetry.Ticks / 2 ? _options.MaxRetry : wait + wait;
        }

        return wait < _options.MaxRetry ? wait : _options.MaxRetry;
    }

    /// <summary>The Will-Retry-Until of a delay DSN (RFC 3464 2.3.9): arrival plus GiveUpAfter.</summary>
    public DateTimeOffset GiveUpAt(DateTimeOffset arrived) => arrived + _options.GiveUpAfter;

    /// <summary>True once the message has been queued GiveUpAfter or longer: the next failure (or this one) bounces.</summary>
    public bool ShouldGiveUp(DateTimeOffset arrived, DateTimeOffset now) => now >= GiveUpAt(arrived);

    /// <summary>
    /// True when a still-deferred message should get its one delay warning now: warnings are on, none was sent yet,
    /// the message has waited DelayWarningAfter or longer, and it is not about to be given up (then the bounce says it).
    /// </summary>
    public bool ShouldWarn(DateTimeOffset arrived, DateTimeOffset now, bool alreadyWarned)
    {
        if (alreadyWarned || _options.DelayWarningAfter is not { } after || after <= TimeSpan.Zero)
        {
            return false;
        }

        return now - arrived >= after && !ShouldGiveUp(arrived, now);
    }
}
