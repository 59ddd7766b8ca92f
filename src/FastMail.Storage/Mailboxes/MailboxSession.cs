using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;

namespace FastMail.Storage.Mailboxes;

/// <summary>
/// A locked snapshot of one mailbox (RFC 1939 section 8: the maildrop is locked from PASS to QUIT). Messages committed
/// after the snapshot are not shown. Used by one connection at a time, so it needs no locking of its own.
/// </summary>
internal sealed class MailboxSession : IMailboxSession
{
    private readonly IStoreJournal _journal;
    private readonly MailIndex _index;
    private readonly MailboxEntry[] _snapshot;
    private readonly RecordCache _cache;
    private readonly bool _ownsLock;
    private StoredMessage? _current;
    private bool _disposed;

    /// <param name="journal">Reads and the delete commit.</param>
    /// <param name="index">Holds the mailbox lock this session releases when disposed.</param>
    /// <param name="mailbox">The locked mailbox.</param>
    /// <param name="snapshot">Its messages when the lock was taken.</param>
    /// <param name="ownsLock">False for a view the outbound queue opens on its own mailbox, whose lock it holds for good.</param>
    public MailboxSession(IStoreJournal journal, MailIndex index, string mailbox, MailboxEntry[] snapshot, bool ownsLock = true)
    {
        _ownsLock = ownsLock;
        _journal = journal;
        _index = index;
        Mailbox = mailbox;
        _snapshot = snapshot;
        _cache = new RecordCache(journal);
    }

    public string Mailbox { get; }

    public int Count => _snapshot.Length;

    public long GetSize(int index) => _snapshot[index].Length;

    public long GetId(int index) => _snapshot[index].Id;

    public async ValueTask<int> ReadAsync(int index, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var message = Locate(index);
        var copied = 0;
        while (copied < destination.Length && offset < message.Length)
        {
            var source = await ReadPieceAsync(message, offset, cancellationToken).ConfigureAwait(false);
            var count = Math.Min(source.Length, destination.Length - copied);
            source.Span[..count].CopyTo(destination.Span[copied..]);
            copied += count;
            offset += count;
        }

        return copied;
    }

    /// <summary>
    /// The SMTP envelope stored with message <paramref name="index"/>; null when its record holds none (stored by an older build).
    /// </summary>
    internal async ValueTask<Envelope?> ReadEnvelopeAsync(int index, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var message = Locate(index);
        var location = message.Location;
        var estimate = location.ChunkAddresses is null ? location.InlineBodyOffset + (int)message.Length : 4096;
        var record = await _cache.GetAsync(location.RecordAddress, estimate, cancellationToken).ConfigureAwait(false);
        return CommitRecord.ReadEnvelope(record.Span, location.RecordAddress);
    }

    public async ValueTask CommitDeletesAsync(ReadOnlyMemory<int> indexes, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ids = new SortedSet<long>();
        foreach (var index in indexes.Span)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(indexes));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _snapshot.Length, nameof(indexes));
            ids.Add(_snapshot[index].Id);
        }

        if (ids.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var idArray = ids.ToArray();

        // Once appended the delete happens on restart anyway, so it is applied here too regardless of cancellation.
        await _journal.CommitAsync(new DeleteRecord(Mailbox, idArray), new Deletion(Mailbox, idArray)).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _cache.Dispose();
            if (_ownsLock)
            {
                _index.Unlock(Mailbox);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Where message <paramref name="index"/> is stored, from the index (kept for the reads of the same message that follow).
    /// Every message of the snapshot stays stored while this session holds the mailbox lock: only this session deletes
    /// from it, and only at QUIT.
    /// </summary>
    private StoredMessage Locate(int index)
    {
        var id = _snapshot[index].Id;
        if (_current?.Id != id)
        {
            _current = _index.Find(id) ?? throw new InvalidDataException($"Message {id} of mailbox {Mailbox} is not in the index.");
        }

        return _current;
    }

    /// <summary>
    /// The bytes of the message from <paramref name="offset"/> to the end of the record that holds them. If compaction
    /// moved the message and truncated its old copy while this read was under way, the read is retried at the new place.
    /// </summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadPieceAsync(StoredMessage message, long offset, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadPieceAsync(message, message.Location, offset, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException) when (_index.Find(message.Id) is { } moved && moved.Location.RecordAddress != message.Location.RecordAddress)
        {
            _current = moved;
            return await ReadPieceAsync(moved, moved.Location, offset, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadPieceAsync(StoredMessage message, BodyLocation location, long offset, CancellationToken cancellationToken)
    {
        if (location.ChunkAddresses is not { } chunks)
        {
            var address = location.RecordAddress;
            var record = await _cache.GetAsync(address, location.InlineBodyOffset + (int)message.Length, cancellationToken).ConfigureAwait(false);
            if (RecordFormat.ReadPrefix(record.Span, address) is not (RecordKind.Commit or RecordKind.CommitWithEnvelope or RecordKind.Moved or RecordKind.MovedWithEnvelope) || record.Length != location.InlineBodyOffset + message.Length)
            {
                throw new InvalidDataException($"Log record at {address} is not the commit record of a {message.Length}-byte message.");
            }

            return record.Slice(location.InlineBodyOffset + (int)offset, (int)(message.Length - offset));
        }

        var chunkIndex = (int)(offset / location.ChunkLength);
        var within = (int)(offset % location.ChunkLength);
        var expected = (int)Math.Min(location.ChunkLength, message.Length - ((long)chunkIndex * location.ChunkLength));
        var chunk = await _cache.GetAsync(chunks[chunkIndex], ChunkRecord.HeaderSize + expected, cancellationToken).ConfigureAwait(false);
        var data = ChunkRecord.ReadData(chunk.Span, chunks[chunkIndex], message.Key).Length;
        if (data != expected)
        {
            throw new InvalidDataException($"Body chunk at {chunks[chunkIndex]} holds {data} bytes, expected {expected}.");
        }

        return chunk.Slice(ChunkRecord.HeaderSize + within, expected - within);
    }

    /// <summary>Unlists deleted messages from one mailbox.</summary>
    private readonly struct Deletion(string mailbox, long[] ids) : IIndexChange
    {
        // Marked before appending: compaction then copies these messages without this mailbox (see MailIndex).
        public void Prepare(MailIndex index) => index.MarkDeleting(mailbox, ids);

        public void Apply(MailIndex index, long address) => index.Remove(mailbox, ids, address);

        public void Abandon(MailIndex index, long address) => index.UnmarkDeleting(mailbox, ids, address);
    }
}
