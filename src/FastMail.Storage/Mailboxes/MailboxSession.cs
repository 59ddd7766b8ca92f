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
        var address = _store.Log.Append(new DeleteRecord(Mailbox, idArray));

        // Once appended the delete happens on restart anyway, so it is applied here too regardless of cancellation.
        await _store.Log.WaitForCommitAsync(address).ConfigureAwait(false);
        _store.Index.Remove(Mailbox, idArray);
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

    /// <summary>The bytes of the message from <paramref name="offset"/> to the end of the record that holds them.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadPieceAsync(StoredMessage message, long offset, CancellationToken cancellationToken)
    {
        if (message.ChunkAddresses is not { } chunks)
        {
            var record = await _cache.GetAsync(message.Id, message.InlineBodyOffset + (int)message.Length, cancellationToken).ConfigureAwait(false);
            if (RecordFormat.ReadPrefix(record.Span, message.Id) != RecordKind.Commit || record.Length != message.InlineBodyOffset + message.Length)
            {
                throw new InvalidDataException($"Log record at {message.Id} is not the commit record of a {message.Length}-byte message.");
            }

            return record.Slice(message.InlineBodyOffset + (int)offset, (int)(message.Length - offset));
        }

        var chunkIndex = (int)(offset / message.ChunkLength);
        var within = (int)(offset % message.ChunkLength);
        var expected = (int)Math.Min(message.ChunkLength, message.Length - ((long)chunkIndex * message.ChunkLength));
        var chunk = await _cache.GetAsync(chunks[chunkIndex], ChunkRecord.HeaderSize + expected, cancellationToken).ConfigureAwait(false);
        var data = ChunkRecord.ReadData(chunk.Span, chunks[chunkIndex], message.Key).Length;
        if (data != expected)
        {
            throw new InvalidDataException($"Body chunk at {chunks[chunkIndex]} holds {data} bytes, expected {expected}.");
        }

        return chunk.Slice(ChunkRecord.HeaderSize + within, expected - within);
    }
}
