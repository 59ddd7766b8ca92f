using System.Buffers;

namespace FastMail.Pop3.Parsing;

/// <summary>
/// Frames command lines out of the input, bounded by construction: a line terminator is searched only within
/// the first <see cref="MaxLength"/> octets (RFC 2449 4: 255 including CRLF); a longer line switches to draining,
/// which consumes and discards input up to its LF without buffering it. CRLF and a lone LF both end a line.
/// Resumable: state survives between calls, so any split of the input gives the same lines.
/// </summary>
internal sealed class CommandLineReader
{
    private bool _draining;

    public CommandLineReader(int maxLength)
    {
        if (maxLength < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "A command line needs at least a keyword and CRLF.");
        }

        MaxLength = maxLength;
    }

    /// <summary>Longest line in octets, terminator included.</summary>
    public int MaxLength { get; }

    /// <summary>True while the rest of a too-long line is being discarded: a line has started and not ended.</summary>
    public bool IsDraining => _draining;

    /// <summary>Forgets a line being drained (for a pooled session).</summary>
    public void Reset() => _draining = false;

    /// <summary>
    /// Reads one line from <paramref name="buffer"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxLength"/> long) without its CR LF, and slices the consumed bytes off <paramref name="buffer"/>.
    /// </summary>
    public LineStatus TryRead(ref ReadOnlySequence<byte> buffer, Span<byte> destination, out int length) =>
        TryRead(ref buffer, destination, MaxLength, out length);

    /// <summary>
    /// As <see cref="TryRead(ref ReadOnlySequence{byte}, Span{byte}, out int)"/> with a limit for this line only (an AUTH
    /// line or a SASL response, RFC 5034 4); <paramref name="destination"/> holds at least <paramref name="maxLength"/>.
    /// </summary>
    public LineStatus TryRead(ref ReadOnlySequence<byte> buffer, Span<byte> destination, int maxLength, out int length)
    {
        length = 0;
        if (_draining)
        {
            var end = buffer.PositionOf((byte)'\n');
            if (end is null)
            {
                buffer = buffer.Slice(buffer.End);
                return LineStatus.NeedMoreData;
            }

            buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
            _draining = false;
            return LineStatus.TooLong;
        }

        var window = buffer.Length > maxLength ? buffer.Slice(0, maxLength) : buffer;
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (window.Length < maxLength)
            {
                return LineStatus.NeedMoreData;
            }

            // No terminator within the limit: the line is too long. Drop what we have and drain the rest.
            buffer = buffer.Slice(window.End);
            _draining = true;
            return TryRead(ref buffer, destination, maxLength, out length);
        }

        var line = window.Slice(0, lf.Value);
        line.CopyTo(destination);
        length = (int)line.Length;
        if (length > 0 && destination[length - 1] == (byte)'\r')
        {
            length--;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        return LineStatus.Complete;
    }
}
