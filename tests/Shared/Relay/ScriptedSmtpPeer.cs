using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FastMail.Relay.Routing;

namespace FastMail.Testing.Relay;

/// <summary>
/// A scripted SMTP server on 127.0.0.1 (ephemeral port) for testing the relay client: configurable EHLO capabilities and
/// replies, STARTTLS with an in-process self-signed certificate, AUTH PLAIN/LOGIN, and misbehaviour on demand (slow
/// replies, dropping the connection mid-DATA, garbage). It records every command line, which lines arrived in one
/// network read (to see PIPELINING), and the DATA bytes exactly as they came over the wire (still dot-stuffed).
/// Set the behaviour before the client connects.
/// </summary>
internal sealed class ScriptedSmtpPeer : IAsyncDisposable
{
    private static readonly Lazy<X509Certificate2> Certificate = new(CreateCertificate);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly List<(string Line, bool Tls)> _commands = [];
    private readonly List<IReadOnlyList<string>> _batches = [];
    private readonly List<byte[]> _data = [];
    private int _connections;
    private bool _disposed;

    public ScriptedSmtpPeer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Greeting { get; set; } = "220 peer.test ESMTP scripted";

    /// <summary>EHLO keywords after the greeting line; STARTTLS is added by <see cref="OfferStartTls"/>.</summary>
    public List<string> Capabilities { get; } = ["PIPELINING", "8BITMIME", "SIZE 10485760", "ENHANCEDSTATUSCODES"];

    /// <summary>Answer EHLO with 500 (a pre-ESMTP server), so the client must fall back to HELO.</summary>
    public bool EhloUnknown { get; set; }

    /// <summary>Advertise STARTTLS (until the upgrade) and perform it.</summary>
    public bool OfferStartTls { get; set; }

    /// <summary>Consulted first for every command line (and AUTH LOGIN continuation): a reply such as <c>550 5.1.1 no</c>
    /// (lines separated by <c>\n</c>) or null for the default behaviour.</summary>
    public Func<string, string?>? Reply { get; set; }

    /// <summary>Replies to RCPT TO by address; others get <c>250 2.1.5 ok</c>.</summary>
    public Dictionary<string, string> RcptReplies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The reply after the final dot.</summary>
    public string FinalReply { get; set; } = "250 2.0.0 queued as 1";

    /// <summary>Close the connection as soon as the first DATA bytes arrive.</summary>
    public bool DropMidData { get; set; }

    /// <summary>Wait this long before answering a command whose verb is <see cref="SlowVerb"/> (or the final dot, for "DOT").</summary>
    public TimeSpan SlowDelay { get; set; }

    public string? SlowVerb { get; set; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every command line received, in order, across connections.</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return _commands.Select(c => c.Line).ToArray();
            }
        }
    }

    /// <summary>The command lines received after a STARTTLS upgrade.</summary>
    public IReadOnlyList<string> TlsCommands
    {
        get
        {
            lock (_commands)
            {
                return _commands.Where(c => c.Tls).Select(c => c.Line).ToArray();
            }
        }
    }

    /// <summary>Command lines grouped by the network read that delivered them.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Batches
    {
        get
        {
            lock (_commands)
            {
                return _batches.ToArray();
            }
        }
    }

    /// <summary>Per completed DATA: the bytes after the 354 up to and including the final <c>.\r\n</c>, as sent.</summary>
    public IReadOnlyList<byte[]> Data
    {
        get
        {
            lock (_commands)
            {
                return _data.ToArray();
            }
        }
    }

    public NextHop Hop(string? userName = null, string? password = null) => new("peer.test", IPAddress.Loopback, Port, userName, password);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
            await Task.WhenAll(_sessions);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // InvalidOperationException: DisposeAsync stopped the listener between the loop's check and this call.
                return;
            }

            Interlocked.Increment(ref _connections);
            _sessions.Add(Task.Run(() => ServeQuietlyAsync(socket)));
        }
    }

    private async Task ServeQuietlyAsync(Socket socket)
    {
        try
        {
            using (socket)
            {
                await new Session(this, socket).RunAsync(_stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException
                                      or System.Security.Authentication.AuthenticationException)
        {
            // The client went away or the test ended: nothing to report.
        }
    }

    private void Record(string line, bool tls, List<string> batch)
    {
        lock (_commands)
        {
            _commands.Add((line, tls));
            batch.Add(line);
        }
    }

    private void CloseBatch(List<string> batch)
    {
        lock (_commands)
        {
            if (batch.Count > 0)
            {
                _batches.Add(batch.ToArray());
                batch.Clear();
            }
        }
    }

    private void RecordData(byte[] bytes)
    {
        lock (_commands)
        {
            _data.Add(bytes);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=peer.test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private sealed class Session(ScriptedSmtpPeer peer, Socket socket)
    {
        private readonly List<string> _batch = [];
        private Stream _stream = new NetworkStream(socket, ownsSocket: false);
        private byte[] _pending = [];
        private bool _tls;
        private int _loginStep;
        private bool _mailOk;
        private bool _rcptOk;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                await WriteAsync(peer.Greeting, cancellationToken);
                while (true)
                {
                    var line = await ReadLineAsync(cancellationToken);
                    if (line is null)
                    {
                        return;
                    }

                    peer.Record(line, _tls, _batch);
                    if (!await HandleAsync(line, cancellationToken))
                    {
                        return;
                    }
                }
            }
            finally
            {
                await _stream.DisposeAsync();
            }
        }

        // False to close the connection.
        private async Task<bool> HandleAsync(string line, CancellationToken cancellationToken)
        {
            var verb = (line.Split(' ', 2)[0]).ToUpperInvariant();
            if (peer.SlowVerb is { } slow && slow.Equals(verb, StringComparison.OrdinalIgnoreCase))
            {
                await Task.Delay(peer.SlowDelay, cancellationToken);
            }

            var scripted = peer.Reply?.Invoke(line);
            if (_loginStep > 0)
            {
                _loginStep = _loginStep == 1 ? 2 : 0;
                await WriteAsync(scripted ?? (_loginStep == 2 ? "334 UGFzc3dvcmQ6" : "235 2.7.0 authenticated"), cancellationToken);
                return true;
            }

            string reply;
            switch (verb)
            {
                case "EHLO":
                    var lines = new List<string> { "peer.test greets you" };
                    lines.AddRange(peer.Capabilities);
                    if (peer.OfferStartTls && !_tls)
                    {
                        lines.Add("STARTTLS");
                    }

                    reply = scripted ?? (peer.EhloUnknown ? "500 5.5.1 command unrecognized" : string.Join('\n', lines.Select((l, i) => $"250{(i == lines.Count - 1 ? ' ' : '-')}{l}")));
                    await WriteAsync(reply, cancellationToken);
                    return true;
                case "HELO":
                    reply = scripted ?? "250 peer.test";
                    break;
                case "STARTTLS":
                    reply = scripted ?? "220 2.0.0 ready to start TLS";
                    await WriteAsync(reply, cancellationToken);
                    if (reply.StartsWith("220", StringComparison.Ordinal))
                    {
                        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
                        await tls.AuthenticateAsServerAsync(Certificate.Value, clientCertificateRequired: false, checkCertificateRevocation: false);
                        _stream = tls;
                        _tls = true;
                        _pending = [];
                    }

                    return true;
                case "AUTH":
                    var mechanism = line.Split(' ')[1].ToUpperInvariant();
                    if (scripted is null && mechanism == "LOGIN")
                    {
                        _loginStep = 1;
                        reply = "334 VXNlcm5hbWU6";
                    }
                    else
                    {
                        reply = scripted ?? "235 2.7.0 authenticated";
                    }

                    break;
                case "MAIL":
                    reply = scripted ?? "250 2.1.0 sender ok";
                    _mailOk = reply.StartsWith('2');
                    _rcptOk = false;
                    break;
                case "RCPT":
                    var start = line.IndexOf('<');
                    var end = line.IndexOf('>');
                    var address = start >= 0 && end > start ? line[(start + 1)..end] : "";
                    reply = scripted ?? (!_mailOk ? "503 5.5.1 MAIL first" : peer.RcptReplies.TryGetValue(address, out var r) ? r : "250 2.1.5 recipient ok");
                    _rcptOk |= reply.StartsWith('2');
                    break;
                case "DATA":
                    // What a real server says to DATA out of sequence (RFC 2920 3.1: a pipelining client relies on it).
                    reply = scripted ?? (!_mailOk ? "503 5.5.1 MAIL first" : !_rcptOk ? "554 5.5.1 no valid recipients" : "354 end data with <CR><LF>.<CR><LF>");
                    _mailOk = _rcptOk = false;
                    await WriteAsync(reply, cancellationToken);
                    if (reply.StartsWith("354", StringComparison.Ordinal))
                    {
                        return await ReceiveDataAsync(cancellationToken);
                    }

                    return true;
                case "RSET":
                case "NOOP":
                    _mailOk = verb == "NOOP" && _mailOk;
                    _rcptOk = verb == "NOOP" && _rcptOk;
                    reply = scripted ?? "250 2.0.0 ok";
                    break;
                case "QUIT":
                    await WriteAsync(scripted ?? "221 2.0.0 bye", cancellationToken);
                    return false;
                default:
                    reply = scripted ?? "500 5.5.2 command unrecognized";
                    break;
            }

            await WriteAsync(reply, cancellationToken);
            return !reply.StartsWith("421", StringComparison.Ordinal);
        }

        private async Task<bool> ReceiveDataAsync(CancellationToken cancellationToken)
        {
            peer.CloseBatch(_batch);
            // A virtual CRLF in front lets the end marker be found at the very start (an empty body).
            var data = new MemoryStream();
            data.Write("\r\n"u8);
            data.Write(_pending);
            _pending = [];
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var bytes = data.GetBuffer().AsSpan(0, (int)data.Length);
                var end = bytes.IndexOf("\r\n.\r\n"u8);
                if (end >= 0)
                {
                    peer.RecordData(bytes[2..(end + 5)].ToArray());
                    _pending = bytes[(end + 5)..].ToArray();
                    if (peer.SlowVerb == "DOT")
                    {
                        await Task.Delay(peer.SlowDelay, cancellationToken);
                    }

                    var scripted = peer.Reply?.Invoke(".");
                    await WriteAsync(scripted ?? peer.FinalReply, cancellationToken);
                    return true;
                }

                var read = await _stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return false;
                }

                if (peer.DropMidData)
                {
                    socket.LingerState = new LingerOption(true, 0); // RST, as a crashed peer would
                    return false;
                }

                data.Write(buffer, 0, read);
            }
        }

        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var newline = _pending.AsSpan().IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var length = newline > 0 && _pending[newline - 1] == '\r' ? newline - 1 : newline;
                    var line = Encoding.UTF8.GetString(_pending, 0, length);
                    _pending = _pending[(newline + 1)..];
                    return line;
                }

                peer.CloseBatch(_batch);
                var read = await _stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return null;
                }

                _pending = [.. _pending, .. buffer.AsSpan(0, read)];
            }
        }

        private async Task WriteAsync(string reply, CancellationToken cancellationToken)
        {
            var text = reply.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
    }
}
