namespace FastMail.Transport;

/// <summary>What a connection's receive loop is doing, for diagnostics (a dump of stuck connections says where they wait).</summary>
public enum ReceiveState
{
    /// <summary>The loop has not started.</summary>
    NotStarted,

    /// <summary>Idle: a zero-byte receive waits for data, holding no buffer.</summary>
    WaitingForData,

    /// <summary>Data is available; reading it into a pipe buffer.</summary>
    Reading,

    /// <summary>Backpressure: the handler has not consumed enough of what was read.</summary>
    WaitingForHandler,

    /// <summary>The loop has ended (peer closed, error, or connection closed).</summary>
    Done,
}

/// <summary>What a connection's send loop is doing, for diagnostics.</summary>
public enum SendState
{
    /// <summary>The loop has not started.</summary>
    NotStarted,

    /// <summary>Waiting for the handler to flush output.</summary>
    WaitingForHandler,

    /// <summary>Writing to the socket (a long stay here means the peer is not reading).</summary>
    Sending,

    /// <summary>The loop has ended (output complete, error, or connection closed).</summary>
    Done,
}
