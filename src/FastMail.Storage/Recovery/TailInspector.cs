namespace FastMail.Storage.Recovery;

/// <summary>
/// Measures what recovery left out: bytes in the segment files past the recovered tail (a torn write, a corrupt entry
/// and everything after it). FASTER drops them silently; the store logs them.
/// </summary>
internal static class TailInspector
{
    private const int SectorSize = 512;

    public static long BytesPastTail(string mailDirectory, long tailAddress, int segmentSizeBits)
    {
        var tailSegment = tailAddress >> segmentSizeBits;
        var tailOffset = tailAddress & ((1L << segmentSizeBits) - 1);
        long dropped = 0;
        foreach (var path in Directory.GetFiles(mailDirectory, "mail.log.*"))
        {
            if (!long.TryParse(Path.GetExtension(path).AsSpan(1), out var segment) || segment < tailSegment)
            {
                continue;
            }

            var length = new FileInfo(path).Length;
            dropped += segment == tailSegment
                ? Math.Max(0, length - ((tailOffset + SectorSize - 1) / SectorSize * SectorSize))
                : length;
        }

        return dropped;
    }
}
