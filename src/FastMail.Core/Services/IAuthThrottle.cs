using System.Net;

namespace FastMail.Core.Services;

/// <summary>
/// The gate every password check passes (USER/PASS, APOP, AUTH), keyed by client address and account name (Dovecot's
/// auth penalty, fail2ban's lockout). <see cref="BeginAsync"/> counts the attempt atomically before any password work,
/// waits its penalty and checks again; only an admitted attempt may check the password. A refused attempt is answered
/// exactly like a wrong password, even when the password would have been right. Because attempts are counted when they
/// start, concurrent attempts cannot overtake the lockout. Unknown accounts are counted like real ones, so the
/// behaviour never reveals whether a user exists.
/// </summary>
public interface IAuthThrottle
{
    /// <summary>Reserves one attempt, waits its penalty, then re-checks for a lockout that began meanwhile.</summary>
    ValueTask<LoginAttempt> BeginAsync(IPAddress? address, string? account, CancellationToken cancellationToken);

    /// <summary>
    /// The admitted attempt's password was right: its count is given back, so clients that log in often never lock
    /// themselves out. It clears neither earlier failures nor a lockout. A failed attempt needs no call: it was counted
    /// when it began.
    /// </summary>
    void Succeeded(in LoginAttempt attempt);
}

/// <summary>One reserved login attempt: <see cref="Admitted"/> says whether the password may be checked.</summary>
public readonly struct LoginAttempt(bool admitted, IPAddress? address, string? account, long serial)
{
    /// <summary>An attempt no throttle counts (login penalties switched off).</summary>
    public static LoginAttempt Unthrottled => new(true, null, null, 0);

    /// <summary>False: fail the login with the ordinary wrong-password reply, without checking the password.</summary>
    public bool Admitted { get; } = admitted;

    public IPAddress? Address { get; } = address;

    public string? Account { get; } = account;

    /// <summary>The throttle's order number for the attempt; 0 when no throttle counted it.</summary>
    public long Serial { get; } = serial;
}
