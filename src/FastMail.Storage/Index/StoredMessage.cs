namespace FastMail.Storage.Index;

/// <summary>One stored copy of a message, as its commit record or the index's message record describes it.</summary>
internal sealed class StoredMessage(long id, long length, long key, BodyLocation location)
{
    /// <summary>Log address of the original commit record: unique, increasing, stable across restarts and compaction (the UIDL).</summary>
    public long Id { get; } = id;

    /// <summary>Body size in octets.</summary>
    public long Length { get; } = length;

    /// <summary>Random writer key repeated in every chunk record, checked when a chunk is read back.</summary>
    public long Key { get; } = key;

    public BodyLocation Location { get; } = location;

    /// <summary>Approximate log bytes the message occupies (body plus record headers), for the dead-space estimate.</summary>
    public long StoredBytes => Length + 64 + ((Location.ChunkAddresses?.Length ?? 0) * 32L);

    /// <summary>The same message read from <paramref name="moved"/>'s place.</summary>
    public StoredMessage WithLocation(BodyLocation moved) => new(Id, Length, Key, moved);
}
