namespace FastMail.Core.Mail;

/// <summary>Outcome of checking ESMTP parameters; each failure maps to one reply.</summary>
public enum ParameterStatus : byte
{
    Ok,

    /// <summary>A known parameter with a bad value: 501 5.5.4.</summary>
    Syntax,

    /// <summary>A parameter this server does not offer: 555 5.5.4 (RFC 5321 4.1.1.11).</summary>
    Unsupported,

    /// <summary>SIZE declared over the limit: 552 5.3.4 (RFC 1870 6).</summary>
    TooBig,
}
