using System.Net;
using FastMail.Pop3.Logging;

namespace FastMail.Pop3.Session;

/// <summary>
/// The login throttle around every password check (PASS, APOP, AUTH), in the order IAuthThrottle documents:
/// locked out → fail unchecked; else delay, check, record. Failures are logged with the client address only.
/// </summary>
internal sealed partial class Pop3Session
{
    private IPAddress? ClientAddress => _remote?.Address;

    /// <summary>The throttle's key for a login name; only computed when a throttle is configured.</summary>
    private string? ThrottleAccount(ReadOnlySpan<byte> name) => _throttle is null ? null : System.Text.Encoding.UTF8.GetString(name);

    /// <summary>True (and logged) when the attempt must fail without checking the password.</summary>
    private bool IsLockedOut(string method, string? account)
    {
        if (_throttle is null || !_throttle.IsLockedOut(ClientAddress, account))
        {
            return false;
        }

        Pop3Log.AuthenticationLockedOut(_logger, method, _remote);
        return true;
    }

    private Task ThrottleDelayAsync(string? account) =>
        _throttle is null ? Task.CompletedTask : _throttle.DelayAsync(ClientAddress, account, _shutdown);

    private void LoginFailed(string method, string? account)
    {
        _throttle?.RecordFailure(ClientAddress, account);
        Pop3Log.AuthenticationFailed(_logger, method, _remote);
    }

    private void LoginSucceeded(string? account) => _throttle?.RecordSuccess(ClientAddress, account);
}
