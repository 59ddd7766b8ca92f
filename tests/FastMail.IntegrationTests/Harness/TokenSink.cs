using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// The next hop of the queue tests: a minimal SMTP server on 127.0.0.1 that answers every command with success and
/// counts each message's "X-Token:" header, so a test can tell which messages arrived and how often. Slow on purpose
/// when <see cref="DelayPerMessage"/> is set, so a kill lands while deliveries are under way.
/// </summary>
internal sealed class TokenSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TokenSink()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TimeSpan DelayPerMessage { get; init; }

    /// <summary>Token → number of times it arrived.</summary>
    public ConcurrentDictionary<string, int> Received { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.Latin1);
                await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 sink.test ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteAsync("250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go ahead");
                            string? token = null;
                            while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                            {
                                if (token is null && data.StartsWith("X-Token: ", StringComparison.Ordinal))
                                {
                                    token = data["X-Token: ".Length..];
                                }
                            }

                            if (DelayPerMessage > TimeSpan.Zero)
                            {
                                await Task.Delay(DelayPerMessage, _stop.Token);
                            }

                            if (token is not null)
                            {
                                Received.AddOrUpdate(token, 1, (_, count) => count + 1);
                            }

                            await writer.WriteLineAsync("250 2.0.0 stored");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 2.0.0 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 2.0.0 ok");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
