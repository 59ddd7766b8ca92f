using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Log;

namespace FastMail.Storage.Mailboxes;

/// <summary>
/// A locked snapshot of one mailbox (RFC 1939 section 8: the maildrop is locked from PASS to QUIT). Messages committed
/// after the snapshot are not shown. Used by one connection at a time, so it needs no locking of its own.
/// </summary>
internal sealed class MailboxSession : IMailboxSession
{
    private readonly FasterMailStore _store;
    private readonly StoredMessage[] _snapshot;
    private readonly RecordCache _cache;
    private bool _disposed;

    public MailboxSession(FasterMailStore store, string mailbox, StoredMessage[] snapshot)
    {
        _store = store;
        Mailbox = mailbox;
        _snapshot = snapshot;
        _cache = new RecordCache(store.Log);
    }

    public string Mailbox { get; }

    public int Count => _snapshot.Length;

    public long GetSize(int index) => _snapshot[index].Length;

    public long GetId(int index) => _snapshot[index].Id;

    public async ValueTask<int> ReadAsync(int index, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var message = _snapshot[index];
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
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
    /// The SMTP envelope stored with message <paramref name="index"/>; null when its record holds none (stored by an older
    /// build, or a compaction copy).
    /// </summary>
    internal async ValueTask<Envelope?> ReadEnvelopeAsync(int index, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var message = _snapshot[index];
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

        // Marked before appending: compaction then copies these messages without this mailbox (see MailIndex).
        _store.Index.MarkDeleting(Mailbox, idArray);
        long address;
        try
        {
            address = _store.Index.Pending.AppendAndRegister(_store.Log, new DeleteRecord(Mailbox, idArray));
        }
        catch
        {
            _store.Index.UnmarkDeleting(Mailbox, idArray, -1);
            throw;
        }

        // Once appended the delete happens on restart anyway, so it is applied here too regardless of cancellation.
        try
        {
            await _store.Log.WaitForCommitAsync(address).ConfigureAwait(false);
        }
        catch
        {
            _store.Index.UnmarkDeleting(Mailbox, idArray, address);
            throw;
        }

        _store.Index.Remove(Mailbox, idArray, address);
    }

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _cache.Dispose();
            _store.Index.Unlock(Mailbox);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The bytes of the message from <paramref name="offset"/> to the end of the record that holds them. If compaction
    /// moved the message and truncated its old copy while this read was under way, the read is retried at the new place.
    /// </summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadPieceAsync(StoredMessage message, long offset, CancellationToken cancellationToken)
    {
        var location = message.Location;
        try
        {
            return await ReadPieceAsync(message, location, offset, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException) when (!ReferenceEquals(location, message.Location))
        {
            return await ReadPieceAsync(message, message.Location, offset, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadPieceAsync(StoredMessage message, BodyLocation location, long offset, CancellationToken cancellationToken)
    {
        if (location.ChunkAddresses is not { } chunks)
        {
            var address = location.RecordAddress;
            var record = await _cache.GetAsync(address, location.InlineBodyOffset + (int)message.Length, cancellationToken).ConfigureAwait(false);
            if (RecordFormat.ReadPrefix(record.Span, address) is not (RecordKind.Commit or RecordKind.CommitWithEnvelope or RecordKind.Moved) || record.Length != location.InlineBodyOffset + message.Length)
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
}
