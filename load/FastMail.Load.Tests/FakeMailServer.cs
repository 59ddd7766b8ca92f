using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastMail.Load.Tests;

/// <summary>
/// A deliberately small SMTP + POP3 server on loopback for testing the runner: it stores messages
/// per recipient local part, undoes and redoes dot-stuffing, and can corrupt a retrieved message
/// on purpose. One thread per connection; good for tens of messages, not for load.
/// </summary>
internal sealed class FakeMailServer : IDisposable
{
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private readonly TcpListener _smtp = new(IPAddress.Loopback, 0);
    private readonly TcpListener _pop3 = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, List<string>> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stop = new();

    public FakeMailServer()
    {
        _smtp.Start();
        _pop3.Start();
        _ = AcceptLoop(_smtp, ServeSmtp);
        _ = AcceptLoop(_pop3, ServePop3);
    }

    public int SmtpPort => ((IPEndPoint)_smtp.LocalEndpoint).Port;

    public int Pop3Port => ((IPEndPoint)_pop3.LocalEndpoint).Port;

    /// <summary>When set, RETR flips one body character of every message it serves.</summary>
    public bool CorruptOnRetrieve { get; set; }

    public int Count(string user)
    {
        lock (_mailboxes)
        {
            return _mailboxes.TryGetValue(user, out var box) ? box.Count : 0;
        }
    }

    public IReadOnlyList<string> Messages(string user)
    {
        lock (_mailboxes)
        {
            return _mailboxes.TryGetValue(user, out var box) ? [.. box] : [];
        }
    }

    private async Task AcceptLoop(TcpListener listener, Action<TcpClient> serve)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Factory.StartNew(() => serve(client), TaskCreationOptions.LongRunning);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void ServeSmtp(TcpClient client)
    {
        using var _ = client;
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Latin1);
        using var writer = new StreamWriter(stream, Latin1) { NewLine = "\r\n", AutoFlush = true };
        var recipients = new List<string>();
        try
        {
            writer.WriteLine("220 fake ESMTP");
            while (reader.ReadLine() is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO": writer.WriteLine("250-fake"); writer.WriteLine("250-PIPELINING"); writer.WriteLine("250 8BITMIME"); break;
                    case "MAIL": recipients.Clear(); writer.WriteLine("250 2.1.0 ok"); break;
                    case "RCPT":
                        var address = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        recipients.Add(address[..address.IndexOf('@')]);
                        writer.WriteLine("250 2.1.5 ok");
                        break;
                    case "RSET": recipients.Clear(); writer.WriteLine("250 2.0.0 ok"); break;
                    case "DATA":
                        writer.WriteLine("354 go ahead");
                        var message = new StringBuilder();
                        while (reader.ReadLine() is { } dataLine && dataLine != ".")
                        {
                            message.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                        }
                        lock (_mailboxes)
                        {
                            foreach (var user in recipients)
                            {
                                if (!_mailboxes.TryGetValue(user, out var box))
                                {
                                    _mailboxes[user] = box = [];
                                }
                                box.Add("Received: by fake\r\n" + message);
                            }
                        }
                        writer.WriteLine("250 2.0.0 queued");
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

    private void ServePop3(TcpClient client)
    {
        using var _ = client;
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Latin1);
        using var writer = new StreamWriter(stream, Latin1) { NewLine = "\r\n", AutoFlush = true };
        string user = "";
        List<string> snapshot = [];
        var deleted = new HashSet<int>();
        try
        {
            writer.WriteLine("+OK fake POP3");
            while (reader.ReadLine() is { } line)
            {
                var parts = line.Split(' ', 2);
                switch (parts[0].ToUpperInvariant())
                {
                    case "USER": user = parts[1]; writer.WriteLine("+OK"); break;
                    case "PASS":
                        snapshot = [.. Messages(user)];
                        writer.WriteLine(parts.Length > 1 && parts[1] == "pw" ? "+OK" : "-ERR bad password");
                        break;
                    case "STAT": writer.WriteLine($"+OK {snapshot.Count} {snapshot.Sum(m => m.Length)}"); break;
                    case "UIDL":
                        writer.WriteLine("+OK");
                        for (var i = 0; i < snapshot.Count; i++)
                        {
                            writer.WriteLine($"{i + 1} uid{i + 1}");
                        }
                        writer.WriteLine(".");
                        break;
                    case "RETR":
                        var text = snapshot[int.Parse(parts[1]) - 1];
                        if (CorruptOnRetrieve)
                        {
                            var at = text.Length - 200;
                            text = text[..at] + (text[at] == 'x' ? 'y' : 'x') + text[(at + 1)..];
                        }
                        writer.WriteLine("+OK");
                        foreach (var l in text.Split("\r\n")[..^1])
                        {
                            writer.WriteLine(l.StartsWith('.') ? "." + l : l);
                        }
                        writer.WriteLine(".");
                        break;
                    case "DELE": deleted.Add(int.Parse(parts[1]) - 1); writer.WriteLine("+OK"); break;
                    case "QUIT":
                        lock (_mailboxes)
                        {
                            if (_mailboxes.TryGetValue(user, out var box))
                            {
                                foreach (var index in deleted)
                                {
                                    box.Remove(snapshot[index]);
                                }
                            }
                        }
                        writer.WriteLine("+OK bye");
                        return;
                    default: writer.WriteLine("-ERR what"); break;
                }
            }
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _smtp.Stop();
        _pop3.Stop();
        _stop.Dispose();
    }
}
