using FastMail.Core.Services;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Accounts.Throttling;

/// <summary>
/// Slows down and locks out password guessing, keyed by client address and by account name (Dovecot's auth penalty).
/// A session asks <see cref="IsLockedOut"/> and waits <see cref="DelayFor"/> (or <see cref="DelayAsync"/>) before checking
/// a password, then reports the outcome with <see cref="RecordFailure"/> or <see cref="RecordSuccess"/>. During a lockout
/// it fails the attempt without checking the password, with the same reply as a wrong password.
/// Thread-safe (one lock, held for dictionary work only); memory bounded by <see cref="AuthThrottleOptions.MaxTrackedKeys"/>.
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

    /// <summary>
    /// How long to wait before checking the next password from <paramref name="address"/> for <paramref name="account"/>:
    /// the larger of the two penalties, less the time since that key last failed. Either argument may be null.
    /// </summary>
    public TimeSpan DelayFor(IPAddress? address, string? account)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var delay = Delay(AddressEntry(address, now), now);
            var accountDelay = Delay(AccountEntry(account, now), now);
            return delay > accountDelay ? delay : accountDelay;
        }
    }

    /// <summary>True when the address or the account is locked out: fail the attempt without checking the password.</summary>
    public bool IsLockedOut(IPAddress? address, string? account)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return IsLocked(AddressEntry(address, now), now)
                || IsLocked(AccountEntry(account, now), now);
        }
    }

    /// <summary>Waits <see cref="DelayFor"/> on this throttle's clock.</summary>
    public Task DelayAsync(IPAddress? address, string? account, CancellationToken cancellationToken)
    {
        var delay = DelayFor(address, account);
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _time, cancellationToken);
    }

    /// <summary>Counts a failed login (wrong password, unknown user, refused mechanism) against the address and the account.</summary>
    public void RecordFailure(IPAddress? address, string? account)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (address is not null && Fail(_addresses, ThrottleKeys.Of(address), now) is { } addressFailures)
            {
                ThrottleLog.AddressLockedOut(_logger, address, _options.LockoutDuration, addressFailures);
            }

            if (account is not null && Fail(_accounts, ThrottleKeys.Of(account), now) is { } accountFailures)
            {
                ThrottleLog.AccountLockedOut(_logger, account, _options.LockoutDuration, accountFailures);
            }
        }
    }

    /// <summary>A successful login clears the address's and the account's failures.</summary>
    public void RecordSuccess(IPAddress? address, string? account)
    {
        lock (_lock)
        {
            if (address is not null)
            {
                _addresses.Remove(ThrottleKeys.Of(address));
            }

            if (account is not null)
            {
                _accounts.Remove(ThrottleKeys.Of(account));
            }
        }
    }

    /// <summary>Adds a failure; returns the failure count when this one starts a lockout.</summary>
    private int? Fail<TKey>(FailureTable<TKey> table, TKey key, long now)
        where TKey : notnull
    {
        var entry = table.Touch(key);
        Expire(entry, now);
        if (IsLocked(entry, now))
        {
            return null; // attempts during a lockout are refused unchecked; they neither extend nor count
        }

        entry.Failures++;
        entry.LastFailure = now;
        if (entry.Failures < _options.LockoutFailures)
        {
            return null;
        }

        entry.LockedUntil = now + _lockout;
        return entry.Failures;
    }

    /// <summary>The address's entry with stale state cleared, or null.</summary>
    private FailureTable<UInt128>.Entry? AddressEntry(IPAddress? address, long now)
    {
        var entry = address is null ? null : _addresses.Find(ThrottleKeys.Of(address));
        if (entry is not null)
        {
            Expire(entry, now);
        }

        return entry;
    }

    /// <summary>The account's entry with stale state cleared, or null.</summary>
    private FailureTable<string>.Entry? AccountEntry(string? account, long now)
    {
        var entry = account is null ? null : _accounts.Find(ThrottleKeys.Of(account));
        if (entry is not null)
        {
            Expire(entry, now);
        }

        return entry;
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
        }
    }

    private static bool IsLocked<TKey>(FailureTable<TKey>.Entry? entry, long now)
        where TKey : notnull => entry is not null && entry.LockedUntil > now;

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
