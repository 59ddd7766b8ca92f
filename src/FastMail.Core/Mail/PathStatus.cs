namespace FastMail.Core.Mail;

/// <summary>Outcome of parsing a MAIL FROM / RCPT TO argument; each failure maps to one reply.</summary>
public enum PathStatus : byte
{
    Ok,

    /// <summary>The "FROM:"/"TO:" keyword or the path is missing: 501 5.5.4.</summary>
    Syntax,

    /// <summary>The address is malformed, or not in the strict form when that is required: 501 5.1.7.</summary>
    BadAddress,
}
