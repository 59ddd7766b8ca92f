namespace FastMail.Pop3.Output;

/// <summary>
/// RFC 1939 7 (TOP msg n): passes the headers, the blank line that ends them, and then at most n body lines.
/// Streams chunk by chunk; lines may be split anywhere between chunks. A message without a blank line is all headers.
/// </summary>
internal struct TopFilter
{
    private readonly int _bodyLines;
    private bool _inBody;
    private int _bodyLinesSent;
    private long _lineLength;
    private bool _lastWasCr;

    public TopFilter(int bodyLines)
    {
        _bodyLines = bodyLines;
    }

    /// <summary>True once everything TOP should send has been passed; later chunks need not be read.</summary>
    public readonly bool IsDone => _inBody && _bodyLinesSent >= _bodyLines;

    /// <summary>Returns how many leading bytes of <paramref name="chunk"/> belong to the TOP output.</summary>
    public int Take(ReadOnlySpan<byte> chunk)
    {
        var taken = 0;
        while (taken < chunk.Length && !IsDone)
        {
            var rest = chunk[taken..];
            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _lineLength += rest.Length;
                _lastWasCr = rest[^1] == (byte)'\r';
                return chunk.Length;
            }

            // The line's bytes before LF: it is empty when there are none, or only the CR of its CRLF.
            var before = _lineLength + lf;
            var endsWithCr = lf > 0 ? rest[lf - 1] == (byte)'\r' : _lastWasCr;
            var empty = before == 0 || (before == 1 && endsWithCr);
            taken += lf + 1;
            _lineLength = 0;
            _lastWasCr = false;

            if (_inBody)
            {
                _bodyLinesSent++;
            }
            else if (empty)
            {
                _inBody = true;
            }
        }

        return taken;
    }
}
