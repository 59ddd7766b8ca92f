using System.Net;
using FastMail.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Accounts.Throttling;

/// <summary>
/// Slows down and locks out password guessing, keyed by client address and by account name (Dovecot's auth penalty).
/// Every login attempt is reserved (<see cref="TryReserve"/>, or <see cref="BeginAsync"/> which also waits) before its
/// password is checked, and ended with <see cref="Complete"/>. Under one lock, a reservation is admitted only while the
/// key's failures plus its attempts in flight stay below <see cref="AuthThrottleOptions.LockoutFailures"/>; otherwise it
/// waits for an attempt in flight to end. So however many connections and protocols try at once, at most LockoutFailures
/// wrong passwords are checked per key and window; the failure that reaches the limit starts the lockout, during which
/// every attempt is refused unchecked, the right password included. Legitimate concurrent logins from one address (a NAT,
/// a load test) are not refused: beyond the limit they queue, which costs nothing on a server whose password hashing is
/// CPU-bound anyway. A success never clears earlier failures or a lockout.
/// Thread-safe; memory bounded by <see cref="AuthThrottleOptions.MaxTrackedKeys"/>.
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

    // Completed when an attempt in flight ends, so that reservations waiting for room try again; created only when one waits.
    private TaskCompletionSource? _room;

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

    public enum Reservation
    {
        /// <summary>Check the password after the delay, then <see cref="Complete"/>.</summary>
        Admitted,

        /// <summary>The address or the account is locked out: fail without checking.</summary>
        LockedOut,

        /// <summary>Other attempts in flight fill the key's allowance: wait until one ends, then try again.</summary>
        Busy,
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
        LoginAttempt attempt;
        TimeSpan delay;
        while (true)
        {
            Task room;
            lock (_lock)
            {
                var status = Reserve(address, account, out attempt, out delay);
                if (status == Reservation.LockedOut)
                {
                    return attempt;
                }

                if (status == Reservation.Admitted)
                {
                    break;
                }

                room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (delay <= TimeSpan.Zero)
        {
            return attempt;
        }

        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            End(attempt, failed: false);
            throw;
        }

        // Re-checked after the wait: a lockout that began meanwhile applies to this attempt too. While this attempt is in
        // flight its keys cannot reach the limit, so this only catches a key the table had to forget and count anew.
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (!IsLocked(attempt.AddressState as FailureTable<UInt128>.Entry, now) && !IsLocked(attempt.AccountState as FailureTable<string>.Entry, now))
            {
                return attempt;
            }
        }

        End(attempt, failed: false);
        return new LoginAttempt(false, address, account);
    }

    /// <summary>
    /// Tries to reserve one attempt for the address and the account (either may be null). When admitted, the attempt
    /// must wait <paramref name="delay"/> before its password is checked (the larger of the two keys' penalties, less the
    /// time since that key's last failure) and be ended with <see cref="Complete"/>.
    /// </summary>
    public Reservation TryReserve(IPAddress? address, string? account, out LoginAttempt attempt, out TimeSpan delay)
    {
        lock (_lock)
        {
            return Reserve(address, account, out attempt, out delay);
        }
    }

    /// <inheritdoc />
    public void Complete(in LoginAttempt attempt, bool succeeded) => End(attempt, failed: !succeeded);

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

    private Reservation Reserve(IPAddress? address, string? account, out LoginAttempt attempt, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var now = _time.GetTimestamp();
        var addressEntry = address is null ? null : Current(_addresses, ThrottleKeys.Of(address), now);
        var accountEntry = account is null ? null : Current(_accounts, ThrottleKeys.Of(account), now);
        if (IsLocked(addressEntry, now) || IsLocked(accountEntry, now))
        {
            // Refused unchecked; such attempts neither extend the lockout nor count.
            attempt = new LoginAttempt(false, address, account);
            return Reservation.LockedOut;
        }

        if (IsFull(addressEntry) || IsFull(accountEntry))
        {
            attempt = default;
            return Reservation.Busy;
        }

        var addressDelay = Delay(addressEntry, now);
        var accountDelay = Delay(accountEntry, now);
        delay = addressDelay > accountDelay ? addressDelay : accountDelay;
        addressEntry = address is null ? null : _addresses.Touch(ThrottleKeys.Of(address));
        accountEntry = account is null ? null : _accounts.Touch(ThrottleKeys.Of(account));
        if (addressEntry is not null)
        {
            addressEntry.InFlight++;
        }

        if (accountEntry is not null)
        {
            accountEntry.InFlight++;
        }
        attempt = new LoginAttempt(true, address, account, addressEntry, accountEntry);
        return Reservation.Admitted;
    }

    /// <summary>Ends an admitted attempt: it leaves the in-flight count, and a failure counts (and may start a lockout).</summary>
    private void End(in LoginAttempt attempt, bool failed)
    {
        if (!attempt.Admitted)
        {
            return;
        }

        TaskCompletionSource? room;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (attempt.AddressState is FailureTable<UInt128>.Entry addressEntry && End(addressEntry, failed, now) is { } addressFailures)
            {
                ThrottleLog.AddressLockedOut(_logger, attempt.Address!, _options.LockoutDuration, addressFailures);
            }

            if (attempt.AccountState is FailureTable<string>.Entry accountEntry && End(accountEntry, failed, now) is { } accountFailures)
            {
                ThrottleLog.AccountLockedOut(_logger, attempt.Account!, _options.LockoutDuration, accountFailures);
            }

            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    /// <summary>Takes the attempt off the entry; returns the failure count when this failure starts a lockout.</summary>
    private int? End<TKey>(FailureTable<TKey>.Entry entry, bool failed, long now)
        where TKey : notnull
    {
        entry.InFlight = Math.Max(0, entry.InFlight - 1);
        if (!failed)
        {
            return null;
        }

        Expire(entry, now);
        if (IsLocked(entry, now))
        {
            return null;
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

    private bool IsFull<TKey>(FailureTable<TKey>.Entry? entry)
        where TKey : notnull => entry is not null && entry.Failures + entry.InFlight >= _options.LockoutFailures;

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

    /// <summary>The penalty for the next attempt on this key, from its failures in the window.</summary>
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
