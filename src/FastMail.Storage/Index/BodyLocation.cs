namespace FastMail.Storage.Index;

/// <summary>
/// Where a message's bytes are in the log. Immutable: compaction gives a message a new location object instead of
/// changing this one, so a reader that captured a location reads one consistent copy.
/// </summary>
internal sealed class BodyLocation
{
    public BodyLocation(long recordAddress, int inlineBodyOffset, long[]? chunkAddresses, int chunkLength)
    {
        RecordAddress = recordAddress;
        InlineBodyOffset = inlineBodyOffset;
        ChunkAddresses = chunkAddresses;
        ChunkLength = chunkLength;
    }

    /// <summary>Log address of the commit (or moved) record that describes the body.</summary>
    public long RecordAddress { get; }

    /// <summary>Offset of the body inside the record's payload when the body is inline.</summary>
    public int InlineBodyOffset { get; }

    /// <summary>Log addresses of the body chunks in order, or null when the body is inline.</summary>
    public long[]? ChunkAddresses { get; }

    /// <summary>Length of every chunk but the last.</summary>
    public int ChunkLength { get; }

    /// <summary>The lowest log address holding any of the body (chunks precede their commit record).</summary>
    public long LowestAddress => ChunkAddresses is { Length: > 0 } chunks ? Math.Min(chunks[0], RecordAddress) : RecordAddress;
}
