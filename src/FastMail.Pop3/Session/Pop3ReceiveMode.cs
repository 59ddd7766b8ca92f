namespace FastMail.Pop3.Session;

/// <summary>
/// How the session treats what comes in next (Stalwart's receive states), kept apart from <see cref="Pop3State"/>
/// (RFC 1939's AUTHORIZATION / TRANSACTION / UPDATE). A line too long is drained by <see cref="Parsing.CommandLineReader"/>.
/// </summary>
internal enum Pop3ReceiveMode : byte
{
    /// <summary>Command lines.</summary>
    Command,

    /// <summary>The client's answer to a "+ " challenge (RFC 5034 4): a whole line, up to the AUTH line limit, never a command.</summary>
    SaslResponse,

    /// <summary>"+OK Begin TLS negotiation" is written (RFC 2595 4): the rest of the input is discarded and the handshake runs.</summary>
    StartTls,

    /// <summary>The last reply is written (QUIT, too many errors, a failed handshake): flush it and end.</summary>
    Closing,

    /// <summary>A flush failed (the client is gone or stopped reading): end without writing more.</summary>
    ConnectionLost,
}
