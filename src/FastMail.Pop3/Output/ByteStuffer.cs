using System.Buffers;

namespace FastMail.Pop3.Output;

/// <summary>
/// RFC 1939 3: in a multi-line response, a line starting with '.' is sent with one more '.', and the response ends
/// with ".\r\n". Streams chunk by chunk: whether the next chunk starts a line is carried over, so a '.' right after
/// a CRLF that ended the previous chunk is stuffed too. A lone LF also starts a line, because clients such as
/// Python's poplib split lines on LF.
/// </summary>
internal struct ByteStuffer
{
    private bool _started;
    private bool _midLine;
    private bool _endsWithCr;
    private bool _endsWithCrLf;

    /// <summary>Copies <paramref name="chunk"/> to <paramref name="output"/>, doubling each '.' that starts a line.</summary>
    public void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        _started = true;
        _endsWithCrLf = chunk[^1] == (byte)'\n' && (chunk.Length > 1 ? chunk[^2] == (byte)'\r' : _endsWithCr);
        _endsWithCr = chunk[^1] == (byte)'\r';

        while (!chunk.IsEmpty)
        {
            if (!_midLine && chunk[0] == (byte)'.')
            {
                output.Write("."u8);
            }

            var lf = chunk.IndexOf((byte)'\n');
            if (lf < 0)
            {
                output.Write(chunk);
                _midLine = true;
                return;
            }

            output.Write(chunk[..(lf + 1)]);
            _midLine = false;
            chunk = chunk[(lf + 1)..];
        }
    }

    /// <summary>
    /// Ends the multi-line response with ".\r\n", preceded by a CRLF when the content did not end with one
    /// (empty content needs none), so the terminator always stands on its own line.
    /// </summary>
    public readonly void Complete(IBufferWriter<byte> output)
    {
        if (_started && !_endsWithCrLf)
        {
            output.Write("\r\n"u8);
        }

        output.Write(".\r\n"u8);
    }
}
