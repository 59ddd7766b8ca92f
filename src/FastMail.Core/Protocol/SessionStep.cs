namespace FastMail.Core.Protocol;

/// <summary>
/// What a protocol asks <see cref="SessionLoop"/> to do next, after answering what it could of the receive buffer.
/// The loop switches over every value; anything else is a bug and ends the session with the protocol's internal-error
/// reply (never, say, a message commit).
/// </summary>
internal enum SessionStep : byte
{
    /// <summary>Go on with the next command in the buffer (only after an awaited step).</summary>
    Continue,

    /// <summary>The buffer holds no further complete command: flush the replies once, then read.</summary>
    NeedMoreData,

    /// <summary>A command needs asynchronous work (store, directory, SASL step): await it without flushing first.</summary>
    Await,

    /// <summary>
    /// As <see cref="Await"/>, but the replies written so far leave first: SMTP answers the commands before a message
    /// before the message's commit is awaited.
    /// </summary>
    FlushThenAwait,

    /// <summary>The "ready to start TLS" reply is written: discard the rest of the input, flush, then run the handshake.</summary>
    StartTls,

    /// <summary>The last reply is written (QUIT, too many errors): flush it and end.</summary>
    Close,

    /// <summary>The client is gone or stopped reading (a flush failed mid-command): end without writing more.</summary>
    ConnectionLost,

    /// <summary>The protocol met a state it does not expect (a bug): the loop writes its internal-error reply and ends.</summary>
    Fault,
}
