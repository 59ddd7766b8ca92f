namespace FastMail.Storage.Recovery;

/// <summary>
/// Measures what recovery left out: bytes in the segment files past the recovered tail (a torn write, a corrupt entry
/// and everything after it), and bytes missing below it (a segment file cut short). FASTER is silent about both; the store logs them.
/// </summary>
internal static class TailInspector
{
    /// <summary>Bytes of the committed log that the tail segment file does not have (it ends before the tail).</summary>
    public static long BytesMissingBeforeTail(string mailDirectory, long beginAddress, long tailAddress, int segmentSizeBits)
    {
        // An empty log (first start) has a tail past the log's header but nothing written yet.
        if (tailAddress <= beginAddress)
        {
            return 0;
        }

        var tailOffset = tailAddress & ((1L << segmentSizeBits) - 1);
        var path = Path.Combine(mailDirectory, "mail.log." + (tailAddress >> segmentSizeBits).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (tailOffset == 0 || !File.Exists(path))
        {
            return 0;
        }

        return Math.Max(0, tailOffset - new FileInfo(path).Length);
    }

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
