using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastMail.Transport.Diagnostics;
using FastMail.Transport.Limits;
using Microsoft.Extensions.Logging;

namespace FastMail.Transport;

/// <summary>
/// A listening TCP socket that hands every accepted connection, within the limits of its
/// <see cref="ListenerOptions"/>, to a <see cref="ConnectionHandler"/> on the thread pool.
/// Start with <see cref="Start"/>; stop with <see cref="StopAsync"/> (graceful) or <see cref="DisposeAsync"/> (immediate).
/// </summary>
public sealed partial class SocketListener : IAsyncDisposable
{
    private static readonly Func<Socket, CancellationToken, ValueTask<Socket>> s_acceptFromSocket =
        static (socket, cancellationToken) => socket.AcceptAsync(cancellationToken);

    // Replaced whole by Reconfigure; each accepted connection reads it once, so it sees the old or the new options, never a mix.
    private volatile ListenerOptions _options;
    private readonly ConnectionHandler _handler;
    private readonly ILogger _logger;
    private readonly Socket _listenSocket;
    private readonly Func<Socket, CancellationToken, ValueTask<Socket>> _accept;
    private readonly ConnectionLimiter _limiter;
    private volatile ConnectionRateLimiter _rateLimiter;
    private readonly ConcurrentDictionary<long, TransportConnection> _live = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopping;
    private int _acceptStopped;
    private long _accepted;
    private long _refused;

    private SocketListener(ListenerOptions options, ConnectionHandler handler, ILogger logger, Socket listenSocket, Func<Socket, CancellationToken, ValueTask<Socket>> accept)
    {
        _accept = accept;
        _options = options;
        _handler = handler;
        _logger = logger;
        _listenSocket = listenSocket;
        _limiter = new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerIp);
        _rateLimiter = new ConnectionRateLimiter(options.MaxConnectionRatePerIp, options.TimeProvider);
        LocalEndPoint = (IPEndPoint)listenSocket.LocalEndPoint!;
    }

    /// <summary>The bound address; with port 0 in the options, the port the OS chose.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections currently served (their handlers run or their sockets are closing).</summary>
    public int ActiveConnections => _limiter.Total;

    /// <summary>Connections accepted since start (handed to the handler), for metrics.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Connections refused by the limits since start (total, per address, rate), for metrics.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    /// <summary>
    /// Binds <see cref="ListenerOptions.EndPoint"/>, starts listening and accepting, and returns at once.
    /// </summary>
    /// <exception cref="IOException">The address is already in use (the message names listener and address).</exception>
    /// <exception cref="SocketException">Any other bind or listen failure (e.g. permission denied for ports below 1024).</exception>
    public static SocketListener Start(ListenerOptions options, ConnectionHandler handler, ILogger logger)
        => Start(options, handler, logger, s_acceptFromSocket);

    /// <summary>Start with a replaceable accept call, so tests can inject the failures a busy host sees (EMFILE).</summary>
    internal static SocketListener Start(ListenerOptions options, ConnectionHandler handler, ILogger logger, Func<Socket, CancellationToken, ValueTask<Socket>> accept)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        options = options.Snapshot();
        options.Validate();

        var listener = new SocketListener(options, handler, logger, Bind(options), accept);
        logger.ListenerStarted(options.Name, listener.LocalEndPoint);
        listener._acceptLoop = Task.Run(listener.AcceptLoopAsync);
        return listener;
    }

    private static Socket Bind(ListenerOptions options)
    {
        var socket = new Socket(options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(options.EndPoint);
            socket.Listen(options.Backlog);
            return socket;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new IOException($"{options.Name}: cannot listen on {options.EndPoint}: the address is already in use (another process or listener holds the port).", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
