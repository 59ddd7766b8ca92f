using System.Net;

namespace FastMail.Core.Services;

/// <summary>
/// Failed-login penalties by client address and account name (Dovecot's auth penalty): sessions call it around every
/// password check (USER/PASS, APOP, AUTH). The order is: if <see cref="IsLockedOut"/>, fail with the ordinary failure
/// reply without checking; else <see cref="DelayAsync"/>, check, then <see cref="RecordFailure"/> or <see cref="RecordSuccess"/>.
/// Unknown accounts are tracked like real ones, so the behaviour never reveals whether a user exists.
/// </summary>
public interface IAuthThrottle
{
    bool IsLockedOut(IPAddress? ip, string? account);

    Task DelayAsync(IPAddress? ip, string? account, CancellationToken cancellationToken);

    void RecordFailure(IPAddress? ip, string? account);

    void RecordSuccess(IPAddress? ip, string? account);
}
