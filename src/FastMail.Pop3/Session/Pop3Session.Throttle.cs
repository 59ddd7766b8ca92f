using System.Net;
using FastMail.Core.Services;
using FastMail.Pop3.Logging;

namespace FastMail.Pop3.Session;

/// <summary>
/// The login throttle around every password check (PASS, APOP, AUTH), as IAuthThrottle documents: the attempt is
/// admitted (reserved, delayed, re-checked) before the password is looked at and ended with its outcome; a refused one
/// fails unchecked with the wrong-password reply. Failures are logged with the client address only.
/// </summary>
internal sealed partial class Pop3Session
{
    private IPAddress? ClientAddress => _remote?.Address;

    /// <summary>The throttle's key for a login name; only computed when a throttle is configured.</summary>
    private string? ThrottleAccount(ReadOnlySpan<byte> name) => _throttle is null ? null : System.Text.Encoding.UTF8.GetString(name);

    /// <summary>Reserves the attempt; a refused one is logged here and must fail without checking the password.</summary>
    private async ValueTask<LoginAttempt> AdmitAsync(string method, string? account)
    {
        if (_throttle is null)
        {
            return LoginAttempt.Unthrottled;
        }

        var attempt = await _throttle.BeginAsync(ClientAddress, account, _shutdown);
        if (!attempt.Admitted)
        {
            Pop3Log.AuthenticationLockedOut(_logger, method, _remote);
            CountLoginFailure();
        }

        return attempt;
    }

    /// <summary>Ends an admitted attempt: a wrong password is counted by the throttle and logged.</summary>
    private void LoginChecked(string method, in LoginAttempt attempt, bool succeeded)
    {
        _throttle?.Complete(attempt, succeeded);
        if (!succeeded)
        {
            Pop3Log.AuthenticationFailed(_logger, method, _remote);
            CountLoginFailure();
        }
    }
}
