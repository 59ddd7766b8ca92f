namespace FastMail.Smtp.Parsing;

/// <summary>What <see cref="SmtpCommandParser.TryReadLine"/> found at the front of the buffer.</summary>
internal enum LineStatus : byte
{
    /// <summary>No line end yet, and the limit is not reached: read more.</summary>
    NeedMoreData,

    /// <summary>A whole line, its terminator excluded.</summary>
    Complete,

    /// <summary>The limit passed without a line end (RFC 5321 4.5.3.1.4): reply 500 5.5.2 and drain the line.</summary>
    TooLong,
}
