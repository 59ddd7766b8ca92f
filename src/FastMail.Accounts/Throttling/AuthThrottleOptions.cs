namespace FastMail.Accounts.Throttling;

/// <summary>How hard failed logins are slowed down and locked out (Dovecot's auth penalty idea). Bound from configuration by the host.</summary>
public sealed class AuthThrottleOptions
{
    /// <summary>Failures answered without delay, so a user who mistypes once or twice notices nothing. Default 2.</summary>
    public int FreeFailures { get; set; } = 2;

    /// <summary>Delay after the first failure past <see cref="FreeFailures"/>; it doubles with each further failure. Default 250 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Ceiling of the delay. Default 15 s: long enough to make guessing slow, short of most client timeouts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Failures within <see cref="FailureWindow"/> that lock the IP or account out. Default 10. A lockout of an account
    /// also stops its owner logging in until it ends: that is the price of stopping a distributed guesser.
    /// </summary>
    public int LockoutFailures { get; set; } = 10;

    /// <summary>
    /// How long failures are remembered: a key whose last failure is older starts again from zero. Default 15 minutes.
    /// </summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a lockout lasts; attempts during it fail without checking the password. Default 5 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most IPs and most account names tracked (each). Default 10,000 (about 1 MB each). When full, the key that failed
    /// longest ago is forgotten, so memory stays bounded whatever a client sends.
    /// </summary>
    public int MaxTrackedKeys { get; set; } = 10_000;

    /// <summary>Throws <see cref="ArgumentException"/> with a message fit to print when a setting is unusable.</summary>
    public void Validate()
    {
        if (FreeFailures < 0 || LockoutFailures < 1 || MaxTrackedKeys < 1)
        {
            throw new ArgumentException("auth throttle: FreeFailures must not be negative, LockoutFailures and MaxTrackedKeys must be positive.");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay || FailureWindow <= TimeSpan.Zero || LockoutDuration < TimeSpan.Zero)
        {
            throw new ArgumentException("auth throttle: delays and durations must not be negative, MaxDelay must be at least BaseDelay and FailureWindow positive.");
        }
    }
}
