namespace FastMail.Migration;

/// <summary>
/// Reads a stream line by line into one reused buffer: each piece is a whole line with its LF, or, for a line longer
/// than the buffer, as much of it as the buffer holds (the following pieces are not line starts). Memory stays bounded
/// whatever the input; a piece is valid until the next call.
/// </summary>
internal sealed class LineReader(Stream stream, int bufferSize = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _midLine;

    /// <summary>The next piece; false at the end of the stream.</summary>
    public bool TryRead(out ReadOnlySpan<byte> piece, out bool lineStart)
    {
        lineStart = !_midLine;
        while (true)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                piece = _buffer.AsSpan(_start, lf + 1);
                _start += lf + 1;
                _midLine = false;
                return true;
            }

            if (_eof)
            {
                piece = _buffer.AsSpan(_start, _end - _start);
                _start = _end;
                _midLine = false;
                return !piece.IsEmpty;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                piece = _buffer;
                _start = _end = 0;
                _midLine = true;
                return true;
            }

            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }
            else
            {
                _end += read;
            }
        }
    }
}
