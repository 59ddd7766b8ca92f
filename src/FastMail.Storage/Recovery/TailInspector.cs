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
            dropped += segment == tailSegment ? BytesPastOffset(path, tailOffset, length) : length;
        }

        return dropped;
    }

    /// <summary>
    /// Bytes of <paramref name="path"/> past <paramref name="offset"/> that hold something: the rest of the tail's sector
    /// is zero padding unless an entry was written there, so it counts up to its last non-zero byte, and every byte after
    /// that sector counts. A torn entry shorter than its sector is thus reported too, even when no commit metadata
    /// remembers it (in fast commit mode the metadata may lag the log's own commit records).
    /// </summary>
    private static long BytesPastOffset(string path, long offset, long length)
    {
        var sectorEnd = (offset + SectorSize - 1) / SectorSize * SectorSize;
        var inSector = (int)(Math.Min(length, sectorEnd) - offset);
        long written = 0;
        if (inSector > 0)
        {
            using var handle = File.OpenHandle(path);
            Span<byte> rest = stackalloc byte[SectorSize];
            var read = RandomAccess.Read(handle, rest[..inSector], offset);
            written = rest[..read].LastIndexOfAnyExcept((byte)0) + 1;
        }

        return written + Math.Max(0, length - sectorEnd);
    }
}
