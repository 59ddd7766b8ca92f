namespace FastMail.Storage.Index;

/// <summary>
/// One stored copy of a message, shared by every mailbox it was delivered to. Immutable except
/// <see cref="ReferenceCount"/>, which <see cref="MailIndex"/> changes under its lock.
/// </summary>
internal sealed class StoredMessage
{
    public StoredMessage(long id, long length, long key, int inlineBodyOffset, long[]? chunkAddresses, int chunkLength)
    {
        Id = id;
        Length = length;
        Key = key;
        InlineBodyOffset = inlineBodyOffset;
        ChunkAddresses = chunkAddresses;
        ChunkLength = chunkLength;
    }

    /// <summary>Log address of the commit record: unique, increasing, stable across restarts (the UIDL).</summary>
    public long Id { get; }

    /// <summary>Body size in octets.</summary>
    public long Length { get; }

    /// <summary>Random writer key repeated in every chunk record, checked when a chunk is read back.</summary>
    public long Key { get; }

    /// <summary>Offset of the body inside the commit record's payload when the body is inline.</summary>
    public int InlineBodyOffset { get; }

    /// <summary>Log addresses of the body chunks in order, or null when the body is inline.</summary>
    public long[]? ChunkAddresses { get; }

    /// <summary>Length of every chunk but the last.</summary>
    public int ChunkLength { get; }

    /// <summary>Number of mailboxes still listing this message; zero means its space may be reclaimed.</summary>
    public int ReferenceCount { get; set; }

    public bool IsInline => ChunkAddresses is null;
}
