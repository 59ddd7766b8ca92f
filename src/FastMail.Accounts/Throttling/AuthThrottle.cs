using System.Net;
using FastMail.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Accounts.Throttling;

/// <summary>
/// Slows down and locks out password guessing, keyed by client address and by account name (Dovecot's auth penalty).
/// Every login attempt is reserved with <see cref="TryReserve"/> (or <see cref="BeginAsync"/>) before its password is
/// checked: the reservation counts it at once, under one lock, so any number of concurrent attempts from any number of
/// connections and protocols sees every earlier one. The attempt that reaches <see cref="AuthThrottleOptions.LockoutFailures"/>
/// starts the lockout; later reservations are refused unchecked until it ends, and attempts still waiting out their
/// penalty are refused when they re-check. So at most LockoutFailures passwords are checked per key and window, however
/// the attempts are spread over connections. An attempt whose password was right gives its count back
/// (<see cref="Succeeded"/>); it never clears other failures or a lockout.
/// Thread-safe (one lock, held for table work only); memory bounded by <see cref="AuthThrottleOptions.MaxTrackedKeys"/>.
/// </summary>
public sealed class AuthThrottle : IAuthThrottle
{
    private readonly AuthThrottleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly FailureTable<UInt128> _addresses;
    private readonly FailureTable<string> _accounts;
    private readonly long _window;
    private readonly long _lockout;
    private long _serial;

    public AuthThrottle(AuthThrottleOptions? options = null, TimeProvider? time = null, ILogger<AuthThrottle>? logger = null)
        : this(options, time, (ILogger?)logger)
    {
    }

    internal AuthThrottle(AuthThrottleOptions? options, TimeProvider? time, ILogger? logger)
    {
        _options = options ?? new AuthThrottleOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _addresses = new FailureTable<UInt128>(_options.MaxTrackedKeys);
        _accounts = new FailureTable<string>(_options.MaxTrackedKeys, StringComparer.OrdinalIgnoreCase);
        _window = ToTimestamp(_options.FailureWindow);
        _lockout = ToTimestamp(_options.LockoutDuration);
    }

    /// <summary>Addresses currently tracked (diagnostics).</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_lock)
            {
                return _addresses.Count;
            }
        }
    }

    /// <summary>Account names currently tracked (diagnostics).</summary>
    public int TrackedAccounts
    {
        get
        {
            lock (_lock)
            {
                return _accounts.Count;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<LoginAttempt> BeginAsync(IPAddress? address, string? account, CancellationToken cancellationToken)
    {
        var attempt = TryReserve(address, account, out var delay);
        if (!attempt.Admitted || delay <= TimeSpan.Zero)
        {
            return attempt;
        }

        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        return IsLockedOutForOthers(attempt) ? Refused(attempt) : attempt;
    }

    /// <summary>
    /// Counts one attempt for the address and the account (either may be null) and says how long it must wait before
    /// its password is checked: the larger of the two penalties, less the time since that key's previous attempt.
    /// Not admitted when either key is locked out.
    /// </summary>
    public LoginAttempt TryReserve(IPAddress? address, string? account, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var addressEntry = address is null ? null : Current(_addresses, ThrottleKeys.Of(address), now);
            var accountEntry = account is null ? null : Current(_accounts, ThrottleKeys.Of(account), now);
            if (IsLocked(addressEntry, now) || IsLocked(accountEntry, now))
            {
                // Refused unchecked; such attempts neither extend the lockout nor count.
                return new LoginAttempt(false, address, account, 0);
            }

            var serial = ++_serial;
            var addressDelay = Delay(addressEntry, now);
            var accountDelay = Delay(accountEntry, now);
            delay = addressDelay > accountDelay ? addressDelay : accountDelay;
            if (address is not null && Count(_addresses, ThrottleKeys.Of(address), serial, now) is { } addressAttempts)
            {
                ThrottleLog.AddressLockedOut(_logger, address, _options.LockoutDuration, addressAttempts);
            }

            if (account is not null && Count(_accounts, ThrottleKeys.Of(account), serial, now) is { } accountAttempts)
            {
                ThrottleLog.AccountLockedOut(_logger, account, _options.LockoutDuration, accountAttempts);
            }

            return new LoginAttempt(true, address, account, serial);
        }
    }

    /// <summary>
    /// True when a lockout that another attempt started covers the address or the account of <paramref name="attempt"/>:
    /// the re-check after the penalty, so attempts queued behind a lockout are refused.
    /// </summary>
    public bool IsLockedOutForOthers(in LoginAttempt attempt)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return LockedByOther(attempt.Address is null ? null : _addresses.Find(ThrottleKeys.Of(attempt.Address)), attempt.Serial, now)
                || LockedByOther(attempt.Account is null ? null : _accounts.Find(ThrottleKeys.Of(attempt.Account)), attempt.Serial, now);
        }
    }

    /// <inheritdoc />
    public void Succeeded(in LoginAttempt attempt)
    {
        if (attempt.Serial == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (attempt.Address is not null)
            {
                GiveBack(_addresses.Find(ThrottleKeys.Of(attempt.Address)), attempt.Serial);
            }

            if (attempt.Account is not null)
            {
                GiveBack(_accounts.Find(ThrottleKeys.Of(attempt.Account)), attempt.Serial);
            }
        }
    }

    /// <summary>True when the address or the account is locked out now (diagnostics and tests).</summary>
    public bool IsLockedOut(IPAddress? address, string? account)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return IsLocked(address is null ? null : _addresses.Find(ThrottleKeys.Of(address)), now)
                || IsLocked(account is null ? null : _accounts.Find(ThrottleKeys.Of(account)), now);
        }
    }

    private static LoginAttempt Refused(in LoginAttempt attempt) => new(false, attempt.Address, attempt.Account, attempt.Serial);

    /// <summary>The key's entry with stale state cleared, or null when the key is not tracked.</summary>
    private FailureTable<TKey>.Entry? Current<TKey>(FailureTable<TKey> table, TKey key, long now)
        where TKey : notnull
    {
        var entry = table.Find(key);
        if (entry is not null)
        {
            Expire(entry, now);
        }

        return entry;
    }

    /// <summary>Counts an attempt; returns the count when this one starts a lockout.</summary>
    private int? Count<TKey>(FailureTable<TKey> table, TKey key, long serial, long now)
        where TKey : notnull
    {
        var entry = table.Touch(key);
        Expire(entry, now);
        if (entry.Failures == 0)
        {
            entry.WindowStart = serial;
        }

        entry.Failures++;
        entry.LastFailure = now;
        if (entry.Failures < _options.LockoutFailures)
        {
            return null;
        }

        entry.LockedUntil = now + _lockout;
        entry.LockedBy = serial;
        return entry.Failures;
    }

    /// <summary>Takes back a succeeded attempt's count, unless its window has been forgotten since.</summary>
    private static void GiveBack<TKey>(FailureTable<TKey>.Entry? entry, long serial)
        where TKey : notnull
    {
        if (entry is not null && entry.Failures > 0 && entry.WindowStart <= serial && entry.LockedUntil == 0)
        {
            entry.Failures--;
        }
    }

    private void Expire<TKey>(FailureTable<TKey>.Entry entry, long now)
        where TKey : notnull
    {
        var lockEnded = entry.LockedUntil != 0 && now >= entry.LockedUntil;
        var quiet = entry.LockedUntil == 0 && now - entry.LastFailure > _window;
        if (lockEnded || quiet)
        {
            entry.Failures = 0;
            entry.LockedUntil = 0;
            entry.LockedBy = 0;
        }
    }

    private static bool IsLocked<TKey>(FailureTable<TKey>.Entry? entry, long now)
        where TKey : notnull => entry is not null && entry.LockedUntil > now;

    private static bool LockedByOther<TKey>(FailureTable<TKey>.Entry? entry, long serial, long now)
        where TKey : notnull => IsLocked(entry, now) && entry!.LockedBy != serial;

    /// <summary>The penalty for the next attempt on this key, from the attempts already counted in its window.</summary>
    private TimeSpan Delay<TKey>(FailureTable<TKey>.Entry? entry, long now)
        where TKey : notnull
    {
        if (entry is null || entry.Failures <= _options.FreeFailures)
        {
            return TimeSpan.Zero;
        }

        // BaseDelay, then doubling per failure, capped: 250 ms, 500 ms, 1 s, 2 s, ... 15 s with the defaults.
        var doublings = Math.Min(entry.Failures - _options.FreeFailures - 1, 30);
        var penalty = TimeSpan.FromTicks(Math.Min(_options.BaseDelay.Ticks * (1L << doublings), _options.MaxDelay.Ticks));
        if (penalty > _options.MaxDelay || penalty < TimeSpan.Zero)
        {
            penalty = _options.MaxDelay;
        }

        var remaining = penalty - _time.GetElapsedTime(entry.LastFailure, now);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
