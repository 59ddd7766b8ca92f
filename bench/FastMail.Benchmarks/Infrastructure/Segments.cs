using System.Buffers;

namespace FastMail.Benchmarks.Infrastructure;

/// <summary>Builds multi-segment sequences, as a socket delivers data: in pieces that split lines and terminators anywhere.</summary>
internal static class Segments
{
    /// <summary>
    /// <paramref name="data"/> as a sequence of segments of <paramref name="segmentSize"/> bytes (the last may be shorter);
    /// a segment size of at least the data's length gives one contiguous segment. The segments copy the data.
    /// </summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, int segmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 1);
        if (data.Length <= segmentSize)
        {
            return new ReadOnlySequence<byte>(data.ToArray());
        }

        var first = new Segment(data[..segmentSize].ToArray(), 0);
        var last = first;
        for (var offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            last = last.Append(data.Slice(offset, Math.Min(segmentSize, data.Length - offset)).ToArray());
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
