namespace FastMail.Smtp.Session;

/// <summary>The 503 a verb gets when it comes out of order; <see cref="None"/> when it is allowed.</summary>
internal enum SequenceError : byte
{
    None,
    NeedMail,
    NeedRcpt,
    NestedMail,
}
