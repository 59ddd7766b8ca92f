using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastMail.Load.Protocol;

namespace FastMail.Load.Tests;

/// <summary>
/// A deliberately small store-and-forward relay for testing the relay scenario: it answers 250
/// after DATA, then forwards each message (with a Received line on top, as a real relay adds)
/// to 127.0.0.1:<see cref="NextHopPort"/> from one background loop. It can lose, repeat or corrupt
/// a message, or refuse every recipient, on purpose. One thread per inbound connection.
/// </summary>
internal sealed class FakeRelay : IDisposable
{
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly BlockingCollection<(string From, string To, string Data)> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _forwarder;
    private int _accepted;

    public FakeRelay(int nextHopPort)
    {
        NextHopPort = nextHopPort;
        _listener.Start();
        _ = AcceptLoop();
        _forwarder = new Thread(Forward) { IsBackground = true };
        _forwarder.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int NextHopPort { get; }

    /// <summary>When set, RCPT gets 554 5.7.1 relay access denied, like a server that does not relay.</summary>
    public bool RefuseRecipients { get; init; }

    /// <summary>The accepted message with this 0-based index is acknowledged but never forwarded.</summary>
    public int Lose { get; init; } = -1;

    /// <summary>The accepted message with this 0-based index is forwarded twice.</summary>
    public int Repeat { get; init; } = -1;

    /// <summary>The accepted message with this 0-based index has one body character changed on the way.</summary>
    public int Corrupt { get; init; } = -1;

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Factory.StartNew(() => Serve(client), TaskCreationOptions.LongRunning);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Serve(TcpClient client)
    {
        using var _ = client;
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Latin1);
        using var writer = new StreamWriter(stream, Latin1) { NewLine = "\r\n", AutoFlush = true };
        string from = "", to = "";
        try
        {
            writer.WriteLine("220 fake relay ESMTP");
            while (reader.ReadLine() is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO": writer.WriteLine("250-fake relay"); writer.WriteLine("250 8BITMIME"); break;
                    case "MAIL": from = Between(line); writer.WriteLine("250 2.1.0 ok"); break;
                    case "RCPT":
                        if (RefuseRecipients)
                        {
                            writer.WriteLine("554 5.7.1 relay access denied");
                            break;
                        }
                        to = Between(line);
                        writer.WriteLine("250 2.1.5 ok");
                        break;
                    case "RSET": writer.WriteLine("250 2.0.0 ok"); break;
                    case "DATA":
                        writer.WriteLine("354 go ahead");
                        // Kept dot-stuffed as received: forwarding sends the same lines on.
                        var data = new StringBuilder("Received: by fake relay\r\n");
                        while (reader.ReadLine() is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine).Append("\r\n");
                        }
                        var index = Interlocked.Increment(ref _accepted) - 1;
                        var text = data.ToString();
                        if (index == Corrupt)
                        {
                            var at = text.Length - 200;
                            text = text[..at] + (text[at] == 'x' ? 'y' : 'x') + text[(at + 1)..];
                        }
                        writer.WriteLine("250 2.0.0 queued");
                        if (index != Lose)
                        {
                            _queue.Add((from, to, text));
                        }
                        if (index == Repeat)
                        {
                            _queue.Add((from, to, text));
                        }
                        break;
                    case "QUIT": writer.WriteLine("221 bye"); return;
                    default: writer.WriteLine("500 what"); break;
                }
            }
        }
        catch (IOException)
        {
        }
    }

    private static string Between(string line) => line[(line.IndexOf('<') + 1)..line.IndexOf('>')];

    /// <summary>One connection to the next hop, reused for every message, as a relay's connection cache would.</summary>
    private void Forward()
    {
        SmtpClientConnection? connection = null;
        try
        {
            foreach (var (from, to, data) in _queue.GetConsumingEnumerable(_stop.Token))
            {
                connection ??= SmtpClientConnection.OpenAsync(new IPEndPoint(IPAddress.Loopback, NextHopPort), "fake.relay", TimeSpan.FromSeconds(10), _stop.Token)
                    .AsTask().GetAwaiter().GetResult();
                connection.SendAsync(from, [to], Latin1.GetBytes(data + ".\r\n"), _stop.Token).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception)
        {
            // Cancelled at dispose, or the sink went away: the test sees the loss as missing messages.
        }
        finally
        {
            connection?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _forwarder.Join(TimeSpan.FromSeconds(10));
        _queue.Dispose();
        _stop.Dispose();
    }
}
