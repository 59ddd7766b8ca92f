namespace FastMail.Storage.Index;

/// <summary>
/// One stored copy of a message, shared by every mailbox it was delivered to. <see cref="ReferenceCount"/> changes under
/// <see cref="MailIndex"/>'s lock; <see cref="Location"/> is swapped by compaction once the copy is durable.
/// </summary>
internal sealed class StoredMessage
{
    private volatile BodyLocation _location;

    public StoredMessage(long id, long length, long key, BodyLocation location)
    {
        Id = id;
        Length = length;
        Key = key;
        _location = location;
    }

    /// <summary>Log address of the original commit record: unique, increasing, stable across restarts and compaction (the UIDL).</summary>
    public long Id { get; }

    /// <summary>Body size in octets.</summary>
    public long Length { get; }

    /// <summary>Random writer key repeated in every chunk record, checked when a chunk is read back.</summary>
    public long Key { get; }

    public BodyLocation Location
    {
        get => _location;
        set => _location = value;
    }

    /// <summary>Number of mailboxes still listing this message; zero means its space may be reclaimed.</summary>
    public int ReferenceCount { get; set; }

    /// <summary>Approximate log bytes the message occupies (body plus record headers), for the dead-space estimate.</summary>
    public long StoredBytes => Length + 64 + ((Location.ChunkAddresses?.Length ?? 0) * 32L);
}
