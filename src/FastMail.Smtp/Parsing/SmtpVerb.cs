namespace FastMail.Smtp.Parsing;

/// <summary>The commands this server knows (RFC 5321 4.1.1). Values index <see cref="Session.SmtpStateTable"/>.</summary>
internal enum SmtpVerb : byte
{
    Unknown,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    Auth,
    StartTls,
    Bdat,
}
