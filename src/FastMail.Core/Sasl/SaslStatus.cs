namespace FastMail.Core.Sasl;

/// <summary>Where an exchange stands after one client response.</summary>
public enum SaslStatus
{
    /// <summary>Send <see cref="SaslStep.Challenge"/> (SMTP "334 ", POP3 "+ ") and read the next response.</summary>
    Continue,

    /// <summary>Authenticated as <see cref="SaslStep.AuthenticatedUser"/> (SMTP 235 2.7.0, POP3 +OK).</summary>
    Succeeded,

    /// <summary>Bad credentials, or something the server refuses (proxy authorization, channel binding): SMTP 535 5.7.8, POP3 -ERR.</summary>
    Failed,

    /// <summary>The client sent "*" (RFC 4954 section 4, RFC 5034 section 4): SMTP 501 5.0.0, POP3 -ERR.</summary>
    Cancelled,

    /// <summary>Not base64, too long, or not the mechanism's syntax: SMTP 501 5.5.2, POP3 -ERR.</summary>
    MalformedInput,
}
