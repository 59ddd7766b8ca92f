using System.Buffers;
using FastMail.Core.Services;

namespace FastMail.Migration;

/// <summary>
/// Feeds a message into the store's writer with the line ends the store keeps: a bare LF becomes CRLF (as SMTP DATA
/// stores mail and POP3 RETR sends it, and as Dovecot's POP3 serves a Maildir file); CRLF and a lone CR stay as they are.
/// Keeps the header block (at most <see cref="MaxHeaderBytes"/>) for the duplicate check and the envelope sender.
/// </summary>
internal sealed class StoreMessageSink(IMessageWriter writer) : IMessageSink
{
    public const int MaxHeaderBytes = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _header = new(4096);
    private bool _previousWasCr;
    private bool _headerComplete;

    /// <summary>Bytes stored so far (CRLF line ends).</summary>
    public long Length => writer.Length;

    /// <summary>The header block up to and including its empty line, or what arrived of it.</summary>
    public ReadOnlySpan<byte> Header => _header.WrittenSpan;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        while (true)
        {
            var lf = data.IndexOf((byte)'\n');
            if (lf < 0)
            {
                Emit(data);
                _previousWasCr = data[^1] == (byte)'\r';
                return;
            }

            var hasCr = lf > 0 ? data[lf - 1] == (byte)'\r' : _previousWasCr;
            Emit(data[..lf]);
            Emit(hasCr ? "\n"u8 : "\r\n"u8);
            _previousWasCr = false;
            data = data[(lf + 1)..];
            if (data.IsEmpty)
            {
                return;
            }
        }
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        writer.Write(bytes);
        if (_headerComplete)
        {
            return;
        }

        var before = _header.WrittenCount;
        var take = Math.Min(bytes.Length, MaxHeaderBytes - before);
        bytes[..take].CopyTo(_header.GetSpan(take));
        _header.Advance(take);
        var end = HeaderFields.EndOfHeader(_header.WrittenSpan, Math.Max(0, before - 3));
        if (end >= 0 || _header.WrittenCount >= MaxHeaderBytes)
        {
            _headerComplete = true;
        }
    }
}
