using FastMail.Core.Diagnostics;
using FastMail.Core.Sasl;
using FastMail.Core.Services;

namespace FastMail.Pop3;

/// <summary>
/// The security services a POP3 listener uses. Both are optional: without <see cref="Sasl"/> AUTH is not
/// offered (RFC 5034), without <see cref="Throttle"/> password checks are not slowed down or locked out.
/// </summary>
public sealed class Pop3Security
{
    /// <summary>The SASL mechanisms for AUTH (RFC 5034) and CAPA SASL. Default: null, AUTH answers -ERR.</summary>
    public SaslServerFactory? Sasl { get; init; }

    /// <summary>Failed-login penalties around every password check (PASS, APOP, AUTH). Default: null, no throttling.</summary>
    public IAuthThrottle? Throttle { get; init; }

    /// <summary>Where the sessions count commands and failed logins. Default: null, nobody collects them.</summary>
    public MailMetrics? Metrics { get; init; }
}
