using System.Buffers;
using System.Text;

namespace FastMail.Load.Messages;

/// <summary>
/// Builds SMTP DATA payloads of a given size for one worker. The body is generated once per worker
/// (lines of printable ASCII, some starting with '.'); each message gets its own id header and
/// checksum line, so the text sent differs per message while costing one copy to build.
/// </summary>
internal sealed class MessageGenerator
{
    private readonly byte[] _stuffedBody;
    private readonly string _bodyHash;
    private readonly string _from;
    private readonly ArrayBufferWriter<byte> _wire;

    public MessageGenerator(int size, string from, int seed)
    {
        _from = from;
        var bodySize = Math.Max(0, size - 300);
        var (raw, stuffed) = GenerateBody(bodySize, seed);
        _stuffedBody = stuffed;
        _bodyHash = Fnv1a64.Hash(raw).ToString("x16");
        _wire = new ArrayBufferWriter<byte>(stuffed.Length + 1024);
    }

    /// <summary>The whole DATA payload including the terminating ".CRLF"; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Build(string id, string to)
    {
        _wire.ResetWrittenCount();
        Append($"From: <{_from}>\r\nTo: <{to}>\r\nSubject: load {id}\r\nMessage-ID: <{id}@load.test>\r\n" +
               $"Date: {DateTimeOffset.UtcNow:ddd, dd MMM yyyy HH:mm:ss} +0000\r\nMIME-Version: 1.0\r\n" +
               $"Content-Type: text/plain; charset=us-ascii\r\nX-Load-Id: {id}\r\n\r\n");
        _wire.Write(_stuffedBody);
        Append($"X-Load-Checksum: {id} {_bodyHash}\r\n.\r\n");
        return _wire.WrittenMemory;
    }

    private void Append(string ascii)
    {
        var span = _wire.GetSpan(ascii.Length);
        var written = Encoding.ASCII.GetBytes(ascii, span);
        _wire.Advance(written);
    }

    private static (byte[] Raw, byte[] Stuffed) GenerateBody(int bodySize, int seed)
    {
        var random = new Random(seed);
        var raw = new ArrayBufferWriter<byte>(bodySize + 128);
        var stuffed = new ArrayBufferWriter<byte>(bodySize + 256);
        var line = new byte[MessageFormat.LineLength + 2];
        var lineNumber = 0;
        while (raw.WrittenCount < bodySize)
        {
            var length = Math.Min(MessageFormat.LineLength, Math.Max(1, bodySize - raw.WrittenCount - 2));
            for (var i = 0; i < length; i++)
            {
                line[i] = (byte)random.Next(33, 127);
            }
            if (lineNumber % MessageFormat.DotLineEvery == 3)
            {
                line[0] = (byte)'.';
            }
            line[length] = (byte)'\r';
            line[length + 1] = (byte)'\n';
            var content = line.AsSpan(0, length + 2);
            raw.Write(content);
            if (content[0] == '.')
            {
                // RFC 5321 4.5.2: a line that starts with a period gets one more.
                stuffed.Write("."u8);
            }
            stuffed.Write(content);
            lineNumber++;
        }
        return (raw.WrittenSpan.ToArray(), stuffed.WrittenSpan.ToArray());
    }
}
