using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastMail.Load.Tests;

/// <summary>
/// A scripted SMTP server for the pipelining tests. It records every read exactly as the socket
/// returned it, and it answers MAIL and RCPT only once the group's DATA has arrived: a client that
/// waits for each reply before sending the next command stalls it, which it records (after 2 s it
/// answers anyway, so such a client fails the test instead of hanging it). Replies to everything
/// read are written in one flush once the input is drained. RCPT to an address starting with
/// "bad" gets 550; PIPELINING is listed unless told otherwise.
/// </summary>
internal sealed class PipeliningRecorder : IDisposable
{
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(2);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _reads = [];
    private int _stalls;
    private int _accepted;

    public PipeliningRecorder(bool advertisePipelining = true)
    {
        AdvertisePipelining = advertisePipelining;
        _listener.Start();
        _ = AcceptLoop();
    }

    public bool AdvertisePipelining { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Times a MAIL/RCPT group did not reach its DATA within 2 s (a client that does not pipeline).</summary>
    public int Stalls => Volatile.Read(ref _stalls);

    public int MessagesAccepted => Volatile.Read(ref _accepted);

    /// <summary>Every chunk one socket read returned, in order (connections interleave).</summary>
    public IReadOnlyList<string> Reads
    {
        get
        {
            lock (_reads)
            {
                return [.. _reads];
            }
        }
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(() => ServeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var input = new StringBuilder();
        var replies = new StringBuilder();
        var buffer = new byte[64 * 1024];
        var inData = false;
        var groupOpen = false;
        try
        {
            await SendAsync(socket, "220 recorder ESMTP\r\n");
            while (true)
            {
                // Wait for input; while a MAIL/RCPT group is open, only up to GroupWait.
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                if (groupOpen)
                {
                    cts.CancelAfter(GroupWait);
                }
                int read;
                try
                {
                    read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _stalls);
                    groupOpen = false;
                    await SendAsync(socket, replies.ToString());
                    replies.Clear();
                    continue;
                }
                if (read == 0)
                {
                    return;
                }
                var chunk = Encoding.Latin1.GetString(buffer, 0, read);
                lock (_reads)
                {
                    _reads.Add(chunk);
                }
                input.Append(chunk);
                var text = input.ToString();
                var consumed = 0;
                int lf;
                var quit = false;
                while ((lf = text.IndexOf('\n', consumed)) >= 0)
                {
                    var line = text[consumed..lf].TrimEnd('\r');
                    consumed = lf + 1;
                    if (inData)
                    {
                        if (line == ".")
                        {
                            inData = false;
                            Interlocked.Increment(ref _accepted);
                            replies.Append("250 2.0.0 queued\r\n");
                        }
                        continue;
                    }
                    var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            replies.Append("250-recorder\r\n").Append(AdvertisePipelining ? "250-PIPELINING\r\n" : "").Append("250 8BITMIME\r\n");
                            break;
                        case "MAIL": groupOpen = true; replies.Append("250 2.1.0 ok\r\n"); break;
                        case "RCPT":
                            replies.Append(line.Contains("<bad", StringComparison.OrdinalIgnoreCase) ? "550 5.1.1 no such user\r\n" : "250 2.1.5 ok\r\n");
                            break;
                        case "DATA": groupOpen = false; inData = true; replies.Append("354 go ahead\r\n"); break;
                        case "RSET": replies.Append("250 2.0.0 ok\r\n"); break;
                        case "QUIT": replies.Append("221 bye\r\n"); quit = true; break;
                        default: replies.Append("500 what\r\n"); break;
                    }
                }
                input.Remove(0, consumed);
                if (!groupOpen && replies.Length > 0)
                {
                    await SendAsync(socket, replies.ToString());
                    replies.Clear();
                }
                if (quit)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task SendAsync(Socket socket, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
