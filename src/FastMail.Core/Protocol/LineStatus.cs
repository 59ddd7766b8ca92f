namespace FastMail.Core.Protocol;

/// <summary>What a command-line reader found at the front of the receive buffer (SMTP and POP3 alike).</summary>
internal enum LineStatus : byte
{
    /// <summary>No line end yet, and the limit is not reached: read more.</summary>
    NeedMoreData,

    /// <summary>A whole line, its terminator excluded.</summary>
    Complete,

    /// <summary>
    /// The limit passed without a line end (RFC 5321 4.5.3.1.4, RFC 2449 4): the protocol answers with its error and the
    /// rest of the line is discarded as it arrives, never buffered.
    /// </summary>
    TooLong,
}
