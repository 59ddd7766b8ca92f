using System.Buffers;
using System.Text;

namespace FastMail.Tests.TestKit;

/// <summary>Builds multi-segment sequences, as a socket delivers them, to feed parsers the same input split at every point.</summary>
internal static class Segments
{
    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    public static ReadOnlySequence<byte> Create(params byte[][] parts) => Create((IReadOnlyList<byte[]>)parts);

    /// <summary>One segment per part (empty parts included, as pipes can produce them).</summary>
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

    /// <summary>The input cut in two at <paramref name="split"/>.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] input, int split) => Create(input[..split], input[split..]);

    /// <summary>Every way to cut the input in two, plus one segment per byte.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllSplits(byte[] input)
    {
        for (var split = 0; split <= input.Length; split++)
        {
            yield return SplitAt(input, split);
        }

        yield return Create(input.Select(b => new[] { b }).ToArray());
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
