using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using FastMail.Transport.Diagnostics;
using FastMail.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace FastMail.Transport;

/// <summary>
/// One accepted TCP connection as a pair of pipes. <see cref="Input"/> yields what the peer sent
/// (completed when the peer closes, resets, or the connection is aborted); <see cref="Output"/> takes
/// what to send (a flush waits while more than the write buffer limit is unsent, and reports
/// completion once the socket can no longer send). The transport owns the socket and closes it
/// after the handler returns; a handler never disposes the connection itself.
/// </summary>
public sealed partial class TransportConnection : IDuplexPipe
{
    private static long s_lastId;

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly SocketAwaitableEventArgs _receiveArgs = new();
    private readonly SocketAwaitableEventArgs _sendArgs = new();
    private readonly ILogger _logger;
    private readonly string _listenerName;
    private readonly SslServerAuthenticationOptions? _implicitTls;
    private readonly TimeSpan _handshakeTimeout;
    private int _aborted;
    private volatile ReceiveState _receiveState;
    private volatile SendState _sendState;

    internal TransportConnection(Socket socket, ListenerOptions options, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        _listenerName = options.Name;
        _implicitTls = options.Tls;
        _handshakeTimeout = options.HandshakeTimeout;
        Id = Interlocked.Increment(ref s_lastId);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        LocalEndPoint = socket.LocalEndPoint as IPEndPoint;

        // Handler-side continuations go to the thread pool; transport-side ones run inline, so a
        // handler's flush sends on its own thread and a handler's read resumes a paused receive at once.
        _input = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.ThreadPool,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.MaxReadBufferSize,
            resumeWriterThreshold: options.MaxReadBufferSize / 2,
            useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: options.MaxWriteBufferSize,
            resumeWriterThreshold: options.MaxWriteBufferSize / 2,
            useSynchronizationContext: false));
    }

    /// <summary>Process-wide unique number of this connection, for logs.</summary>
    public long Id { get; }

    /// <summary>The peer's address and port (null only if the OS could not tell).</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The local address and port the peer connected to.</summary>
    public IPEndPoint? LocalEndPoint { get; }

    /// <summary>Bytes from the peer (decrypted, once TLS is on).</summary>
    public PipeReader Input => _tls?.Input ?? _input.Reader;

    /// <summary>Bytes to the peer (encrypted on the way, once TLS is on).</summary>
    public PipeWriter Output => _tls?.Output ?? _output.Writer;

    /// <summary>What the receive loop is doing now (diagnostics only).</summary>
    public ReceiveState ReceiveState => _receiveState;

    /// <summary>What the send loop is doing now (diagnostics only).</summary>
    public SendState SendState => _sendState;

    /// <summary>
    /// Closes the socket at once, dropping unsent output: for timeouts and hostile peers. The
    /// handler's pending read completes and its flushes report completion, so it can return. Idempotent.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        // Wake both loops even if they wait on a pipe rather than on the socket.
        _input.Writer.CancelPendingFlush();
        _output.Reader.CancelPendingRead();
        _socket.Dispose();
    }

    /// <summary>
    /// Runs the connection to its end: both socket loops, the implicit TLS handshake if configured,
    /// the handler, then the close. Never throws.
    /// </summary>
    internal async Task RunAsync(ConnectionHandler handler, TimeSpan closeTimeout, CancellationToken shutdown)
    {
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();
        if (_implicitTls is null || await TryImplicitHandshakeAsync(_implicitTls, shutdown))
        {
            try
            {
                await handler(this, shutdown);
            }
            catch (Exception exception)
            {
                _logger.HandlerFailed(_listenerName, Id, exception);
            }
        }

        var finishing = FinishOutputAsync(sending);
        try
        {
            await finishing.WaitAsync(closeTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            _logger.CloseTimedOut(_listenerName, Id);
            Abort();
            await finishing;
        }

        CloseSocket();
        await receiving;
        _receiveArgs.Dispose();
        _sendArgs.Dispose();
        _logger.ConnectionClosed(_listenerName, Id);
    }

    /// <summary>The handler is done with both pipes (completing twice is harmless): what it wrote is sent, then the send loop ends.</summary>
    private async Task FinishOutputAsync(Task sending)
    {
        if (_tls is not null)
        {
            // Encrypts what the handler left buffered and says close_notify; never throws.
            await _tls.DisposeAsync();
            if (_tls.BrokenBy is { } broken)
            {
                _logger.TlsStreamBroken(_listenerName, Id, broken);
            }
        }

        _input.Reader.Complete();
        _output.Writer.Complete();
        await sending;
    }

    private void CloseSocket()
    {
        try
        {
            // FIN after the last byte (RFC 9293 3.6), rather than a reset that could discard it.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset or not connected: nothing left to say gracefully.
        }
        catch (ObjectDisposedException)
        {
            // Aborted.
        }

        _socket.Dispose();
    }
}
