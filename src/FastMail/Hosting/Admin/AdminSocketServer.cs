using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using FastMail.Core.IO;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting.Admin;

/// <summary>Limits of <see cref="AdminSocketServer"/>.</summary>
internal sealed record AdminSocketOptions
{
    /// <summary>How long a client has to send its request line. Default 10 s: the CLI sends it at once.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a handler may run before the request is answered `.error timed out`. Default 60 s.</summary>
    public TimeSpan HandlerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Connections served at once; more are answered `.error busy` and closed. Default 16.</summary>
    public int MaxConnections { get; init; } = 16;
}

/// <summary>
/// The local channel through which CLI commands (`fastmail queue ...`) talk to the running server: a Unix domain socket
/// at {dataDirectory}/admin.sock, mode 0600 inside the 0700 data directory, and a peer-credential check on Linux
/// (only the server's own user, or root, is served). The protocol is <see cref="AdminProtocol"/>: one request line,
/// one reply, one connection each. Commands are dispatched by their first argument to handlers registered with
/// <see cref="Register"/>, which get the remaining arguments.
/// <para>
/// Bad input gets an answer, never a crash (DESIGN contract 4): an over-long, non-UTF-8, empty or unknown request is
/// answered `.error ...`, a silent client is dropped after <see cref="AdminSocketOptions.RequestTimeout"/>, a handler's
/// exception becomes `.error`. A socket file left by a crashed server is replaced at start; the file is removed at stop.
/// Usable on its own (tests start it directly); the server starts it beside its listeners.
/// </para>
/// </summary>
internal sealed partial class AdminSocketServer : IAsyncDisposable
{
    // Linux sockaddr_un.sun_path holds 108 octets, the terminating NUL included.
    private const int MaxSocketPathBytes = 107;

    private readonly ConcurrentDictionary<string, Func<string[], CancellationToken, ValueTask<AdminReply>>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _timeouts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly AdminSocketOptions _options;
    private readonly ILogger _logger;
    private Socket? _listener;
    private Task? _acceptLoop;
    private Task? _stopped;
    private int _active;

    public AdminSocketServer(string dataDirectory, ILogger logger, AdminSocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        SocketPath = AdminProtocol.SocketPath(dataDirectory);
        _logger = logger;
        _options = options ?? new AdminSocketOptions();
    }

    /// <summary>The socket file: {dataDirectory}/admin.sock.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// Routes requests whose first argument is <paramref name="command"/> to <paramref name="handler"/>, which gets the
    /// arguments after it. May be called before or after <see cref="Start"/>; a second registration replaces the first.
    /// </summary>
    public void Register(string command, Func<string[], CancellationToken, ValueTask<AdminReply>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[command] = handler;
        _timeouts.TryRemove(command, out _);
    }

    /// <summary>As <see cref="Register(string, Func{string[], CancellationToken, ValueTask{AdminReply}})"/>, with its own handler timeout instead of <see cref="AdminSocketOptions.HandlerTimeout"/> (a backup runs for minutes; <see cref="Timeout.InfiniteTimeSpan"/>: none, a long import).</summary>
    public void Register(string command, Func<string[], CancellationToken, ValueTask<AdminReply>> handler, TimeSpan timeout)
    {
        Register(command, handler);
        _timeouts[command] = timeout;
    }

    /// <summary>Binds the socket (replacing a stale one) and starts accepting. Throws IOException when another server answers on it.</summary>
    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("the admin socket is already started");
        }

        if (Encoding.UTF8.GetByteCount(SocketPath) > MaxSocketPathBytes)
        {
            throw new IOException($"the admin socket path is too long for a Unix socket ({Encoding.UTF8.GetByteCount(SocketPath)} bytes, at most {MaxSocketPathBytes}): {SocketPath}");
        }

        RemoveStaleSocket();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            // The server's umask (077) already makes it 0700; 0600 whatever the umask, as for every file in the data directory.
            OwnerOnly.Restrict(SocketPath);
            listener.Listen(_options.MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        Listening(_logger, SocketPath);
    }

    /// <summary>Stops accepting, waits for the requests in progress (cancelled), and removes the socket file. Idempotent.</summary>
    public Task StopAsync() => _stopped ??= StopCoreAsync();

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        await Task.WhenAll(_connections.Keys);
        if (_listener is not null)
        {
            TryDelete(SocketPath);
        }

        _stopping.Dispose();
    }

    private void RemoveStaleSocket()
    {
        if (!File.Exists(SocketPath))
        {
            return;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(SocketPath));
                throw new IOException($"another server is answering on {SocketPath}");
            }
            catch (SocketException)
            {
                // Nobody listens: a server that crashed (or was killed) left it behind.
            }
        }

        File.Delete(SocketPath);
        StaleSocketRemoved(_logger, SocketPath);
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || token.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                // Out of descriptors and the like: the listener is still good; do not spin.
                AcceptFailed(_logger, e.SocketErrorCode.ToString());
                await Task.Delay(100, CancellationToken.None);
                continue;
            }

            if (Interlocked.Increment(ref _active) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _active);
                _ = RefuseAsync(client);
                continue;
            }

            var task = ServeAsync(client);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _connections, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task RefuseAsync(Socket client)
    {
        using (client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await client.SendAsync(AdminProtocol.EncodeReply(AdminReply.Fail("busy: too many admin connections, try again")), SocketFlags.None, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The client is gone: nothing to tell.
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield();
        try
        {
            using (client)
            {
                await ServeCoreAsync(client);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away or was too slow; the server goes on.
            ConnectionDropped(_logger, e.Message);
        }
        catch (Exception e)
        {
            // A bug in this class: logged, never fatal to the server (the handler's own exceptions are caught below).
            ConnectionFailed(_logger, e);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task ServeCoreAsync(Socket client)
    {
        if (!PeerIsTrusted(client, out var uid))
        {
            ForeignPeer(_logger, uid);
            await SendAsync(client, AdminReply.Fail("permission denied: only the server's user may use the admin socket"));
            return;
        }

        var buffer = new byte[AdminProtocol.MaxRequestLength];
        var length = 0;
        var lineEnd = -1;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            timeout.CancelAfter(_options.RequestTimeout);
            while (length < buffer.Length)
            {
                int read;
                try
                {
                    read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token);
                }
                catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
                {
                    await SendAsync(client, AdminReply.Fail("timed out waiting for the request line"));
                    return;
                }

                if (read == 0)
                {
                    break;
                }

                // Bounded by construction: the newline is searched only within the 4 KB the buffer holds.
                var newline = buffer.AsSpan(length, read).IndexOf((byte)'\n');
                length += read;
                if (newline >= 0)
                {
                    lineEnd = length - read + newline;
                    break;
                }
            }
        }

        if (lineEnd < 0)
        {
            if (length >= buffer.Length)
            {
                await SendAsync(client, AdminReply.Fail($"request too long (at most {AdminProtocol.MaxRequestLength} bytes)"));
                await DrainAsync(client);
            }
            else
            {
                await SendAsync(client, AdminReply.Fail("incomplete request (no line end)"));
            }

            return;
        }

        var reply = await DispatchAsync(buffer.AsSpan(0, lineEnd > 0 && buffer[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd).ToArray());
        await SendAsync(client, reply);
    }

    private async Task<AdminReply> DispatchAsync(byte[] line)
    {
        string text;
        try
        {
            text = AdminProtocol.Utf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return AdminReply.Fail("request is not UTF-8");
        }

        var args = text.Split('\t');
        var command = args[0];
        if (command.Length == 0)
        {
            return AdminReply.Fail("empty request");
        }

        if (!_handlers.TryGetValue(command, out var handler))
        {
            var shown = AdminProtocol.OneLine(command.Length > 40 ? command[..40] + "..." : command);
            return AdminReply.Fail($"unknown command '{shown}' (known: {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))})");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_timeouts.GetValueOrDefault(command, _options.HandlerTimeout));
        try
        {
            RequestReceived(_logger, AdminProtocol.OneLine(text.Replace('\t', ' ')));
            return await handler(args[1..], timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return AdminReply.Fail(_stopping.IsCancellationRequested ? "the server is stopping" : "timed out");
        }
        catch (Exception e)
        {
            HandlerFailed(_logger, command, e);
            return AdminReply.Fail("internal error: " + e.Message);
        }
    }

    private static async Task SendAsync(Socket client, AdminReply reply)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SendAsync(AdminProtocol.EncodeReply(reply), SocketFlags.None, timeout.Token);
    }

    /// <summary>
    /// After refusing an over-long request: stop sending, then read and discard what the client is still sending (at
    /// most 1 MB, at most 1 s), so that closing with unread data does not reset the connection before the client has
    /// read the `.error` line.
    /// </summary>
    private static async Task DrainAsync(Socket client)
    {
        client.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var sink = new byte[16 * 1024];
        var total = 0;
        try
        {
            while (total < 1024 * 1024)
            {
                var read = await client.ReceiveAsync(sink, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // Done with this client either way.
        }
    }

    /// <summary>Linux SO_PEERCRED: serve only our own user or root (the 0600 mode says the same; this holds if someone loosens it).</summary>
    private static bool PeerIsTrusted(Socket client, out uint uid)
    {
        uid = 0;
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        const int solSocket = 1;
        const int soPeerCred = 17;
        Span<byte> credentials = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        try
        {
            if (client.GetRawSocketOption(solSocket, soPeerCred, credentials) < 8)
            {
                return false;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        uid = MemoryMarshal.Read<uint>(credentials[4..]);
        return uid == 0 || uid == GetEffectiveUserId();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover file is replaced at the next start.
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Admin socket listening on {Path}")]
    private static partial void Listening(ILogger logger, string path);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Removed a stale admin socket left by a server that did not stop cleanly: {Path}")]
    private static partial void StaleSocketRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Admin request: {Request}")]
    private static partial void RequestReceived(ILogger logger, string request);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Error, Message = "Admin command {Command} failed")]
    private static partial void HandlerFailed(ILogger logger, string command, Exception exception);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "Admin connection dropped: {Reason}")]
    private static partial void ConnectionDropped(ILogger logger, string reason);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Error, Message = "Admin connection failed")]
    private static partial void ConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Warning, Message = "Admin socket refused a connection from uid {Uid}: not the server's user")]
    private static partial void ForeignPeer(ILogger logger, uint uid);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Admin socket accept failed: {Error}")]
    private static partial void AcceptFailed(ILogger logger, string error);
}
