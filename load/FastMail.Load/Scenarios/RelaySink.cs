using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastMail.Load.Messages;

namespace FastMail.Load.Scenarios;

/// <summary>
/// The relay scenario's destination: a minimal SMTP server that accepts everything at once
/// (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; PIPELINING advertised, 250 right after the
/// final dot, nothing stored, no fsync) and hands each whole message to the <see cref="RelayLedger"/>
/// with its arrival time, its X-Load-Id and the result of its checksum check.
/// It answers every complete command in the input before one flush (drain, then flush once),
/// so a pipelining relay pays one round trip per transaction.
/// </summary>
internal sealed class RelaySink : IAsyncDisposable
{
    // RFC 5321 4.5.3.1.6: text lines are at most 1000 octets with CRLF; a relay may fold nothing longer.
    private const int BufferSize = 64 * 1024;

    // The runner never generates more than 64 MB (ValueParsers.ParseSize); a bigger message is not ours.
    private const int MaxMessageSize = 65 * 1024 * 1024;

    private static ReadOnlySpan<byte> Greeting => "220 sink.load.test ESMTP FastMail.Load relay sink\r\n"u8;
    private static ReadOnlySpan<byte> EhloReply => "250-sink.load.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 68157440\r\n"u8;
    private static ReadOnlySpan<byte> HeloReply => "250 sink.load.test\r\n"u8;
    private static ReadOnlySpan<byte> OkReply => "250 2.0.0 ok\r\n"u8;
    private static ReadOnlySpan<byte> DataReply => "354 end with <CRLF>.<CRLF>\r\n"u8;
    private static ReadOnlySpan<byte> QueuedReply => "250 2.0.0 accepted by sink\r\n"u8;
    private static ReadOnlySpan<byte> QuitReply => "221 2.0.0 bye\r\n"u8;
    private static ReadOnlySpan<byte> UnknownReply => "502 5.5.1 not implemented by the sink\r\n"u8;

    private readonly Socket _listener;
    private readonly RelayLedger _ledger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, Task> _sessions = new();
    private readonly Task _acceptLoop;
    private long _connections;
    private long _messages;

    private RelaySink(Socket listener, RelayLedger ledger)
    {
        _listener = listener;
        _ledger = ledger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Listens on <paramref name="endPoint"/> (port 0 picks a free one); throws SocketException when it is taken.</summary>
    public static RelaySink Start(IPEndPoint endPoint, RelayLedger ledger)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new RelaySink(listener, ledger);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public long Connections => Interlocked.Read(ref _connections);

    public long Messages => Interlocked.Read(ref _messages);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                socket.NoDelay = true;
                Interlocked.Increment(ref _connections);
                _sessions[socket] = Task.Run(() => ServeAsync(socket));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            // The listener was closed under the accept.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var session = new Session(this);
        try
        {
            var input = new byte[BufferSize];
            int start = 0, end = 0;
            await socket.SendAsync(Greeting.ToArray(), SocketFlags.None, _stop.Token);
            while (!session.Quit)
            {
                // Drain every complete line in the buffer, then flush the replies in one write.
                while (!session.Quit)
                {
                    var lf = input.AsSpan(start, end - start).IndexOf((byte)'\n');
                    if (lf < 0)
                    {
                        break;
                    }
                    session.Line(input.AsSpan(start, lf + 1));
                    start += lf + 1;
                }
                if (session.Output.WrittenCount > 0)
                {
                    await socket.SendAsync(session.Output.WrittenMemory, SocketFlags.None, _stop.Token);
                    session.Output.ResetWrittenCount();
                }
                if (session.Quit)
                {
                    break;
                }
                if (start > 0)
                {
                    input.AsSpan(start, end - start).CopyTo(input);
                    end -= start;
                    start = 0;
                }
                if (end == input.Length)
                {
                    // A line longer than 64 KB: no relay sends that (RFC 5321 4.5.3.1.6).
                    break;
                }
                var read = await socket.ReceiveAsync(input.AsMemory(end), SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }
                end += read;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
            _sessions.TryRemove(socket, out _);
        }
    }

    /// <summary>Stops accepting, closes every session (a relay's cached idle connections included) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _acceptLoop;
        foreach (var (socket, _) in _sessions)
        {
            socket.Dispose();
        }
        await Task.WhenAll(_sessions.Values);
        _stop.Dispose();
    }

    /// <summary>One connection's protocol state; fed whole lines (CRLF included), writes replies to <see cref="Output"/>.</summary>
    internal sealed class Session
    {
        private readonly RelaySink? _sink;
        private readonly Action<string?, VerifyResult, long> _arrived;
        private readonly ArrayBufferWriter<byte> _message = new(4096);
        private bool _inData;
        private bool _oversize;

        public Session(RelaySink sink)
        {
            _sink = sink;
            _arrived = sink._ledger.Arrived;
        }

        /// <summary>For tests: a session without a socket that reports arrivals to <paramref name="arrived"/>.</summary>
        public Session(Action<string?, VerifyResult, long> arrived) => _arrived = arrived;

        public ArrayBufferWriter<byte> Output { get; } = new(1024);

        public bool Quit { get; private set; }

        public void Line(ReadOnlySpan<byte> line)
        {
            if (_inData)
            {
                DataLine(line);
                return;
            }
            var verb = line.Length >= 4 ? line[..4] : line;
            if (Is(verb, "EHLO"u8))
            {
                Output.Write(EhloReply);
            }
            else if (Is(verb, "HELO"u8))
            {
                Output.Write(HeloReply);
            }
            else if (Is(verb, "MAIL"u8) || Is(verb, "RCPT"u8) || Is(verb, "RSET"u8) || Is(verb, "NOOP"u8))
            {
                Output.Write(OkReply);
            }
            else if (Is(verb, "DATA"u8))
            {
                _inData = true;
                _oversize = false;
                _message.ResetWrittenCount();
                Output.Write(DataReply);
            }
            else if (Is(verb, "QUIT"u8))
            {
                Output.Write(QuitReply);
                Quit = true;
            }
            else
            {
                Output.Write(UnknownReply);
            }
        }

        private void DataLine(ReadOnlySpan<byte> line)
        {
            var content = line.EndsWith("\r\n"u8) ? line[..^2] : line[..^1];
            if (content.Length == 1 && content[0] == '.')
            {
                var arrival = Stopwatch.GetTimestamp();
                _inData = false;
                if (_sink is not null)
                {
                    Interlocked.Increment(ref _sink._messages);
                }
                var message = _message.WrittenSpan;
                _arrived(_oversize ? null : ReadId(message), _oversize ? VerifyResult.Foreign : MessageVerifier.Verify(message), arrival);
                Output.Write(QueuedReply);
                return;
            }
            if (_oversize || _message.WrittenCount + content.Length + 2 > MaxMessageSize)
            {
                _oversize = true;
                return;
            }
            // RFC 5321 4.5.2: undo the transparency dot before the checksum sees the line.
            _message.Write(content.Length > 0 && content[0] == '.' ? content[1..] : content);
            _message.Write("\r\n"u8);
        }

        private static bool Is(ReadOnlySpan<byte> verb, ReadOnlySpan<byte> expected) =>
            verb.Length == 4 && Ascii.EqualsIgnoreCase(verb, expected);
    }

    /// <summary>The value of the first X-Load-Id header line in the header section, or null.</summary>
    internal static string? ReadId(ReadOnlySpan<byte> message)
    {
        var headerEnd = message.IndexOf(MessageFormat.HeaderEnd);
        var headers = headerEnd < 0 ? message : message[..(headerEnd + 2)];
        var offset = 0;
        while (offset < headers.Length)
        {
            var lineLength = headers[offset..].IndexOf((byte)'\n');
            var line = lineLength < 0 ? headers[offset..] : headers.Slice(offset, lineLength);
            if (line.Length > MessageFormat.IdHeader.Length && Ascii.EqualsIgnoreCase(line[..MessageFormat.IdHeader.Length], MessageFormat.IdHeader))
            {
                var value = line[MessageFormat.IdHeader.Length..].TrimEnd("\r "u8).Trim((byte)' ');
                return value.IsEmpty ? null : Encoding.ASCII.GetString(value);
            }
            if (lineLength < 0)
            {
                break;
            }
            offset += lineLength + 1;
        }
        return null;
    }
}
