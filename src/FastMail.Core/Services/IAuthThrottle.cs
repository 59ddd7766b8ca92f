using System.Net;

namespace FastMail.Core.Services;

/// <summary>
/// The gate every password check passes (USER/PASS, APOP, AUTH), keyed by client address and account name (Dovecot's
/// auth penalty, fail2ban's lockout). <see cref="BeginAsync"/> reserves the attempt atomically before any password work,
/// waits its penalty and checks again; only an admitted attempt may check the password, and every admitted attempt is
/// ended with <see cref="Complete"/>. Attempts in flight count against the lockout until they end, so attempts sent at
/// once on many connections cannot overtake it (excess ones wait for room instead). A refused attempt is answered exactly
/// like a wrong password, even when the password would have been right. Unknown accounts are counted like real ones, so
/// the behaviour never reveals whether a user exists.
/// </summary>
public interface IAuthThrottle
{
    /// <summary>Reserves one attempt (waiting for room while others are in flight), waits its penalty, re-checks for a lockout.</summary>
    ValueTask<LoginAttempt> BeginAsync(IPAddress? address, string? account, CancellationToken cancellationToken);

    /// <summary>
    /// Ends an admitted attempt: a failure is counted (and may start a lockout), a success is not. Call it exactly once
    /// per admitted attempt, also when the check threw; a refused attempt needs no call.
    /// </summary>
    void Complete(in LoginAttempt attempt, bool succeeded);
}

/// <summary>One reserved login attempt: <see cref="Admitted"/> says whether the password may be checked.</summary>
public readonly struct LoginAttempt(bool admitted, IPAddress? address, string? account, object? addressState = null, object? accountState = null)
{
    /// <summary>An attempt no throttle counts (login penalties switched off).</summary>
    public static LoginAttempt Unthrottled => new(true, null, null);

    /// <summary>False: fail the login with the ordinary wrong-password reply, without checking the password.</summary>
    public bool Admitted { get; } = admitted;

    public IPAddress? Address { get; } = address;

    public string? Account { get; } = account;

    /// <summary>The throttle's own record of the address (opaque to callers).</summary>
    public object? AddressState { get; } = addressState;

    /// <summary>The throttle's own record of the account (opaque to callers).</summary>
    public object? AccountState { get; } = accountState;
}
