using System.Net.Sockets;

namespace FastMail.Hosting.Admin;

/// <summary>The server cannot be reached through its admin socket: not running, or not reachable by this user.</summary>
internal sealed class AdminUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>The CLI's side of the admin socket (<see cref="AdminProtocol"/>): one request, one reply, one connection.</summary>
internal static class AdminClient
{
    /// <summary>The largest reply read (a very long queue listing): past it the reply is reported as broken, memory stays bounded.</summary>
    private const int MaxReplyLength = 64 * 1024 * 1024;

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Sends <paramref name="args"/> (the command first, e.g. ["queue", "list"]) to the server running on
    /// <paramref name="dataDirectory"/> and returns its reply. Throws <see cref="AdminUnavailableException"/> when no
    /// server answers ("server is not running (no DIR/admin.sock)"), IOException when the reply is cut off or late,
    /// ArgumentException when an argument holds a TAB or line break.
    /// </summary>
    public static async Task<AdminReply> SendAsync(string dataDirectory, IReadOnlyList<string> args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var request = AdminProtocol.EncodeRequest(args);
        var path = AdminProtocol.SocketPath(dataDirectory);
        if (!File.Exists(path))
        {
            throw new AdminUnavailableException($"server is not running (no {path})");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var limit = timeout ?? DefaultTimeout;
        deadline.CancelAfter(limit);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), deadline.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            throw new AdminUnavailableException($"server is not running ({path} exists but nobody answers: left by a server that stopped uncleanly)", e);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new AdminUnavailableException($"cannot reach the server through {path}: permission denied (run as the server's user)", e);
        }
        catch (SocketException e)
        {
            throw new AdminUnavailableException($"cannot reach the server through {path}: {e.Message}", e);
        }

        try
        {
            await socket.SendAsync(request, SocketFlags.None, deadline.Token);
            var received = new MemoryStream();
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
                if (received.Length > MaxReplyLength)
                {
                    throw new IOException($"the server's reply is longer than {MaxReplyLength} bytes");
                }
            }

            var text = AdminProtocol.Utf8.GetString(received.GetBuffer(), 0, (int)received.Length);
            return AdminProtocol.DecodeReply(text) ?? throw new IOException("the server closed the connection before its reply was complete");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"the server did not answer within {limit.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            throw new IOException($"the connection to the server broke: {e.Message}", e);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new IOException("the server's reply is not UTF-8", e);
        }
    }
}
