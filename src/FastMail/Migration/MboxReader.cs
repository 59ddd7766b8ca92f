namespace FastMail.Migration;

/// <summary>
/// Splits an mbox file into messages, read as mboxrd (https://www.loc.gov/preservation/digital/formats/fdd/fdd000385.shtml):
/// every line that starts with "From " is a separator and is not stored; a line of one or more "&gt;" then "From " had one
/// "&gt;" added by the writer and loses it; the empty line before a separator (or at the end of the file) belongs to the
/// format, not to the message. Content-Length fields are ignored (mboxcl): the separators decide. An mboxo file (Postfix
/// local(8), which escapes only "From ") reads the same, except that a body line that was "&gt;From " before delivery
/// comes back as "From ": mboxo cannot tell the two apart. Hand-written rather than MimeKit's MimeParser (MimeFormat.Mbox):
/// that builds a MIME tree of every message, does not undo the "&gt;From " escape, and gives offsets, not bytes; a line
/// splitter is what import needs, and keeps each message's bytes exact.
/// </summary>
internal sealed class MboxReader
{
    private readonly LineReader _lines;
    private byte[] _heldBlank = [];
    private bool _started;
    private bool _finished;
    private int _count;
    private long _lineNumber;

    public MboxReader(Stream stream) => _lines = new LineReader(stream);

    /// <summary>True when the file is empty or starts with "From " (the first separator).</summary>
    public static bool LooksLikeMbox(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[5];
        var read = file.ReadAtLeast(start, 5, throwOnEndOfStream: false);
        return read == 0 || start[..read].SequenceEqual("From "u8);
    }

    /// <summary>
    /// Copies the next message into <paramref name="sink"/>; <paramref name="label"/> names it ("message 3 (line 120)").
    /// False when there are no more messages. A separator with nothing after it yields an empty message.
    /// </summary>
    public bool ReadNext(IMessageSink sink, out string label)
    {
        label = "";
        if (!_started)
        {
            _started = true;
            if (!SkipSeparator())
            {
                _finished = true;
            }
        }

        if (_finished)
        {
            return false;
        }

        _count++;
        label = $"message {_count} (line {_lineNumber})";
        _heldBlank = [];
        while (_lines.TryRead(out var piece, out var lineStart))
        {
            if (lineStart)
            {
                _lineNumber++;
                if (piece.StartsWith("From "u8))
                {
                    // The next message starts: the empty line held back was the separator's, and the rest of an over-long
                    // separator line is skipped with it.
                    SkipRestOfLine(piece);
                    return true;
                }

                if (_heldBlank.Length > 0)
                {
                    sink.Write(_heldBlank);
                    _heldBlank = [];
                }

                if (piece.SequenceEqual("\n"u8) || piece.SequenceEqual("\r\n"u8))
                {
                    _heldBlank = piece.ToArray();
                    continue;
                }

                if (IsEscapedFrom(piece))
                {
                    piece = piece[1..];
                }
            }

            sink.Write(piece);
        }

        _finished = true;
        return true;
    }

    /// <summary>mboxrd: "&gt;From ", "&gt;&gt;From "... at the start of a line.</summary>
    private static bool IsEscapedFrom(ReadOnlySpan<byte> line)
    {
        var quotes = line.IndexOfAnyExcept((byte)'>');
        return quotes > 0 && line[quotes..].StartsWith("From "u8);
    }

    /// <summary>Reads the first line, which must be a separator; false for an empty file.</summary>
    private bool SkipSeparator()
    {
        if (!_lines.TryRead(out var piece, out _))
        {
            return false;
        }

        _lineNumber++;
        SkipRestOfLine(piece);
        return true;
    }

    private void SkipRestOfLine(ReadOnlySpan<byte> piece)
    {
        if (piece.EndsWith("\n"u8))
        {
            return;
        }

        while (_lines.TryRead(out var rest, out var lineStart) && !lineStart)
        {
            if (rest.EndsWith("\n"u8))
            {
                return;
            }
        }
    }
}
