using System.Buffers;

namespace FastMail.Tests.Pop3;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, one segment per part, as a socket would deliver it.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(IReadOnlyList<byte[]> parts)
    {
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Count; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="input"/> at the given ascending offsets.</summary>
    public static List<byte[]> Split(byte[] input, params int[] cuts)
    {
        var parts = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Append(input.Length))
        {
            parts.Add(input[start..cut]);
            start = cut;
        }

        return parts;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
