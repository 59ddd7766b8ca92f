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

    /// <summary>DATA in a transaction that already sent a BDAT chunk (RFC 3030 2).</summary>
    DataAfterBdat,

    /// <summary>RCPT once BDAT chunks are arriving: the message and its trace header are already being written.</summary>
    RcptAfterBdat,
}
