namespace FastMail.Transport;

/// <summary>
/// Serves one accepted connection: reads <see cref="TransportConnection.Input"/>, writes
/// <see cref="TransportConnection.Output"/>, and returns when done. <paramref name="shutdown"/> fires when
/// the server stops; the handler should then finish its current reply and return within the grace period.
/// When it returns, the transport flushes what is left, closes the socket and disposes the connection.
/// </summary>
public delegate Task ConnectionHandler(TransportConnection connection, CancellationToken shutdown);
