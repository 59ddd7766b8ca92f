using System.Net;
using System.Net.Sockets;
using FastMail.Transport.Diagnostics;
using FastMail.Transport.Limits;

namespace FastMail.Transport;

public sealed partial class SocketListener
{
    private static readonly TimeSpan s_firstRetryDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_lastRetryDelay = TimeSpan.FromSeconds(1);

    private async Task AcceptLoopAsync()
    {
        var stopping = _stopAccepting.Token;
        var retryDelay = s_firstRetryDelay;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _accept(_listenSocket, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SocketException exception) when (!stopping.IsCancellationRequested)
                {
                    // EMFILE, ENFILE, ENOBUFS, ECONNABORTED: the next accept may succeed once
                    // descriptors or memory free up; back off so a lasting failure does not spin.
                    _logger.AcceptFailed(_options.Name, exception.SocketErrorCode);
                    await Task.Delay(retryDelay, CancellationToken.None);
                    retryDelay = retryDelay * 2 < s_lastRetryDelay ? retryDelay * 2 : s_lastRetryDelay;
                    continue;
                }

                retryDelay = s_firstRetryDelay;
                Admit(socket);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException && stopping.IsCancellationRequested)
        {
            // The listening socket closed under a pending accept: we are stopping.
        }
        catch (Exception exception)
        {
            _logger.AcceptLoopFailed(_options.Name, exception);
        }
    }

    private void Admit(Socket socket)
    {
        var options = _options;
        IPEndPoint? remote = null;
        try
        {
            remote = socket.RemoteEndPoint as IPEndPoint;
            if (remote is null)
            {
                socket.Dispose();
                return;
            }

            // Replies are small and written once per drained batch; Nagle would only delay them.
            socket.NoDelay = true;
        }
        catch (SocketException)
        {
            // The peer reset before we got to it.
            socket.Dispose();
            return;
        }

        // Every attempt spends from the rate allowance, including those the concurrency limits refuse:
        // a host reconnecting in a loop is slowed whether or not slots are free.
        if (!_rateLimiter.TryAcquire(remote.Address))
        {
            Refuse(socket, remote, "MaxConnectionRatePerIp", options);
            return;
        }

        var verdict = _limiter.TryAcquire(remote.Address);
        if (verdict != LimitResult.Accepted)
        {
            Refuse(socket, remote, verdict == LimitResult.TotalLimit ? "MaxConnections" : "MaxConnectionsPerIp", options);
            return;
        }

        var connection = new TransportConnection(socket, options, _logger);
        _live[connection.Id] = connection;
        Interlocked.Increment(ref _accepted);
        _logger.ConnectionAccepted(_options.Name, connection.Id, remote);

        // Off the accept loop: a handler must never delay the next accept.
        _ = Task.Run(() => ServeAsync(connection, remote.Address, options.CloseTimeout));
    }

    private async Task ServeAsync(TransportConnection connection, IPAddress address, TimeSpan closeTimeout)
    {
        try
        {
            await connection.RunAsync(_handler, closeTimeout, _shutdown.Token);
        }
        catch (Exception exception)
        {
            // RunAsync catches everything it expects; this is a bug, but the server keeps serving.
            _logger.LoopFailed(_options.Name, connection.Id, "connection", exception);
        }
        finally
        {
            _live.TryRemove(connection.Id, out _);
            _limiter.Release(address);
            if (Volatile.Read(ref _acceptStopped) != 0 && _limiter.Total == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    private void Refuse(Socket socket, IPEndPoint remote, string limit, ListenerOptions options)
    {
        _logger.ConnectionRefused(options.Name, remote, limit);
        Interlocked.Increment(ref _refused);
        try
        {
            // Not on a TLS listener: the client expects a ServerHello, not plaintext (see ListenerOptions.Tls).
            if (!options.BusyReply.IsEmpty && options.Tls is null)
            {
                // A few bytes into a fresh connection's empty send buffer: this does not block.
                socket.Send(options.BusyReply.Span);
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException exception)
        {
            _logger.BusyReplyFailed(options.Name, remote, exception);
        }
        finally
        {
            socket.Dispose();
        }
    }
}
