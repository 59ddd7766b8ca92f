namespace FastMail.Relay.Queue;

/// <summary>
/// How long and how often the outbound queue retries a message that the next hop deferred. The defaults are Postfix's
/// (postconf(5)); <see cref="RetrySchedule"/> turns them into times. A DSN is never sent to the null reverse-path
/// (RFC 5321 4.5.5: that is how bounce loops start), whatever these options say.
/// </summary>
public sealed record QueueOptions
{
    /// <summary>
    /// The wait after the first failed attempt; each further failure doubles it up to <see cref="MaxRetry"/>.
    /// Default 5 minutes (Postfix minimal_backoff_time 300s). Shorter retries sooner after a brief outage and costs
    /// remote hosts more connections while they are down.
    /// </summary>
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest wait between two attempts. Default 4000 seconds (Postfix maximal_backoff_time). Must be at least
    /// <see cref="FirstRetry"/>.
    /// </summary>
    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromSeconds(4000);

    /// <summary>
    /// How long after arrival a deferred recipient is given up and bounced (a failure DSN to the sender). Default 5 days
    /// (Postfix maximal_queue_lifetime; RFC 5321 4.5.4.1 asks for at least 4-5 days).
    /// </summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromDays(5);

    /// <summary>
    /// How long after arrival a still-deferred message gets one "delayed" DSN (only for recipients whose NOTIFY allows
    /// it). Default 4 hours (Postfix delay_warning_time, off there by default); null or zero turns warnings off.
    /// </summary>
    public TimeSpan? DelayWarningAfter { get; init; } = TimeSpan.FromHours(4);
}
