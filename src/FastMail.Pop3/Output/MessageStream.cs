using System.Buffers;

namespace FastMail.Pop3.Output;

/// <summary>
/// The state of one RETR or TOP transfer between store reads: where to read next, the byte-stuffer and the TOP
/// filter, and how much was written since the last flush. A struct, so a transfer that never waits allocates nothing.
/// </summary>
internal struct MessageStream
{
    /// <summary>Bytes written before the output is flushed, so memory stays bounded however the store splits its reads.</summary>
    public const int FlushThreshold = 16 * 1024;

    private readonly int _bodyLines;
    private ByteStuffer _stuffer;
    private TopFilter _top;
    private int _unflushed;

    /// <param name="index">The message's index in the mailbox.</param>
    /// <param name="bodyLines">TOP's line count, or -1 for the whole message (RETR).</param>
    public MessageStream(int index, int bodyLines)
    {
        Index = index;
        _bodyLines = bodyLines;
        _top = new TopFilter(Math.Max(bodyLines, 0));
    }

    public int Index { get; }

    /// <summary>Where the next store read starts.</summary>
    public long Offset { get; private set; }

    /// <summary>Takes the <paramref name="read"/> bytes just read into <paramref name="chunk"/>; true when the transfer is complete.</summary>
    public bool Accept(int read, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        if (read == 0)
        {
            return true;
        }

        Offset += read;
        var send = _bodyLines < 0 ? read : _top.Take(chunk[..read]);
        _stuffer.Write(chunk[..send], output);
        _unflushed += send;
        return _bodyLines >= 0 && _top.IsDone;
    }

    /// <summary>True (once) when enough was written that it should be flushed before reading on.</summary>
    public bool TakeFlushDue()
    {
        if (_unflushed < FlushThreshold)
        {
            return false;
        }

        _unflushed = 0;
        return true;
    }

    /// <summary>Writes the multi-line terminator (RFC 1939 3).</summary>
    public readonly void Complete(IBufferWriter<byte> output) => _stuffer.Complete(output);
}
