using FastMail.Core.Diagnostics;
using FastMail.Core.Sasl;
using FastMail.Core.Services;

namespace FastMail.Smtp;

/// <summary>
/// The security services of an SMTP listener: SMTP AUTH (RFC 4954) and the failed-login throttle. STARTTLS needs nothing
/// here: it is offered whenever the connection says it can (<see cref="IMailConnection.CanStartTls"/>).
/// </summary>
public sealed class SmtpSecurity
{
    /// <summary>The SASL mechanisms offered by AUTH. Null (the default): no AUTH, nobody can authenticate.</summary>
    public SaslServerFactory? Sasl { get; init; }

    /// <summary>Failed-login penalties around every AUTH password check. Null (the default): no throttling.</summary>
    public IAuthThrottle? Throttle { get; init; }

    /// <summary>
    /// Longest AUTH command line or SASL response line, CRLF included. Default null: <see cref="SaslServerFactory.MaxAuthLineLength"/>
    /// (12,352 with the SASL defaults: the 12,288 octets RFC 4954 4 allows for an AUTH line, plus the verb and mechanism
    /// name). A longer line gets 500 5.5.6 and is discarded as it arrives, never buffered past this limit.
    /// </summary>
    public int? MaxAuthLineLength { get; init; }

    /// <summary>Where the sessions count commands, messages, refusals and failed logins. Null (the default): nobody collects them.</summary>
    public MailMetrics? Metrics { get; init; }
}
