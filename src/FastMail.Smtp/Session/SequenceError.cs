namespace FastMail.Smtp.Session;

/// <summary>The 503 a verb gets when it comes out of order; <see cref="None"/> when it is allowed.</summary>
internal enum SequenceError : byte
{
    None,
    NeedMail,
    NeedRcpt,
    NestedMail,

    /// <summary>AUTH and STARTTLS are refused inside a mail transaction (RFC 4954 4, as Postfix does for STARTTLS).</summary>
    InTransaction,
}
