using System.Text;

namespace FastMail.Relay.Client;

/// <summary>The peer broke the protocol: a reply line too long, too many lines, not a reply, or the connection closed.</summary>
internal sealed class SmtpProtocolException(string message) : IOException(message);

/// <summary>
/// Reads SMTP replies (RFC 5321 4.2) from a stream with a buffer of exactly one maximum line: a line that does not end
/// within it is too long and fails the connection; nothing is ever buffered past the limit.
/// </summary>
internal sealed class ReplyReader
{
    private readonly byte[] _buffer;
    private readonly int _maxLineLength;
    private readonly int _maxLines;
    private Stream _stream;
    private int _start;
    private int _end;

    public ReplyReader(Stream stream, int maxLineLength, int maxLines)
    {
        _stream = stream;
        _maxLineLength = Math.Max(maxLineLength, 5);
        _maxLines = Math.Max(maxLines, 1);
        _buffer = new byte[_maxLineLength + 2];
    }

    /// <summary>Bytes received but not yet consumed. After a 220 to STARTTLS there must be none (RFC 3207 5: anything
    /// the peer sent before the handshake is plaintext injection).</summary>
    public int Buffered => _end - _start;

    /// <summary>Switches to the TLS stream after STARTTLS.</summary>
    public void Replace(Stream stream) => _stream = stream;

    public async ValueTask<SmtpReply> ReadAsync(CancellationToken cancellationToken)
    {
        var code = 0;
        var text = new StringBuilder();
        for (var lines = 1; ; lines++)
        {
            if (lines > _maxLines)
            {
                throw new SmtpProtocolException($"reply has more than {_maxLines} lines");
            }

            var line = await ReadLineAsync(cancellationToken);
            if (!TryParseLine(line.Span, out var lineCode, out var more))
            {
                throw new SmtpProtocolException($"not an SMTP reply: '{Printable(line.Span)}'");
            }

            if (lines > 1)
            {
                text.Append('\n');
            }

            // Text after "250-" / "250 "; invalid UTF-8 becomes U+FFFD rather than an exception.
            text.Append(line.Length > 4 ? Encoding.UTF8.GetString(line.Span[4..]) : "");
            code = lineCode;
            if (!more)
            {
                return new SmtpReply(code, text.ToString());
            }
        }
    }

    private static bool TryParseLine(ReadOnlySpan<byte> line, out int code, out bool more)
    {
        code = 0;
        more = false;
        if (line.Length < 3 || line[0] is < (byte)'2' or > (byte)'5' || !char.IsAsciiDigit((char)line[1]) || !char.IsAsciiDigit((char)line[2]))
        {
            return false;
        }

        code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
        if (line.Length == 3)
        {
            return true;
        }

        more = line[3] == '-';
        return line[3] is (byte)' ' or (byte)'-';
    }

    // One line without its CRLF (a bare LF is tolerated as the end too), as a slice of the buffer valid until the next read.
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var length = scanned + newline;
                var line = new ReadOnlyMemory<byte>(_buffer, _start, length > 0 && _buffer[_start + length - 1] == '\r' ? length - 1 : length);
                _start += length + 1;
                if (line.Length > _maxLineLength)
                {
                    throw new SmtpProtocolException($"reply line longer than {_maxLineLength} octets");
                }

                return line;
            }

            scanned = _end - _start;
            if (scanned > _maxLineLength + 1)
            {
                throw new SmtpProtocolException($"reply line longer than {_maxLineLength} octets");
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, scanned).CopyTo(_buffer);
                _start = 0;
                _end = scanned;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new SmtpProtocolException("connection closed by peer");
            }

            _end += read;
        }
    }

    private static string Printable(ReadOnlySpan<byte> line)
    {
        var shown = line[..Math.Min(line.Length, 80)];
        var chars = new char[shown.Length];
        for (var i = 0; i < shown.Length; i++)
        {
            chars[i] = shown[i] is >= 0x20 and < 0x7f ? (char)shown[i] : '?';
        }

        return new string(chars);
    }
}
