using System.Buffers;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Storage.Mailboxes;

/// <summary>
/// Streams one message into the log. Bytes collect in a pooled buffer of ChunkSize; when it is full and more arrive it is
/// appended as a chunk record. A message that never filled the buffer is stored inline in its commit record (one entry),
/// unless the envelope leaves it too little room in a page. The commit record carries the envelope.
/// Only the commit record makes the message visible, so a writer disposed before committing leaves nothing behind but
/// unreferenced chunks. Pooled: <see cref="Dispose"/> resets it and returns it to the store's pool.
/// </summary>
internal sealed class MessageWriter : IMessageWriter, IResettable
{
    private readonly IStoreJournal _journal;
    private readonly int _maxRecordSize;
    private readonly Action<MessageWriter> _return;
    private readonly int _chunkSize;
    private readonly List<long> _chunks = [];
    private byte[]? _buffer;
    private int _buffered;
    private long _length;
    private long _key;
    private long _firstChunk = -1;
    private bool _active;
    private bool _committed;

    /// <param name="journal">Where records go.</param>
    /// <param name="chunkSize">Body bytes per chunk record.</param>
    /// <param name="maxRecordSize">Largest record the log takes (an inline body shares it with the envelope).</param>
    /// <param name="returnToPool">Called by <see cref="Dispose"/>.</param>
    public MessageWriter(IStoreJournal journal, int chunkSize, int maxRecordSize, Action<MessageWriter> returnToPool)
    {
        _journal = journal;
        _chunkSize = chunkSize;
        _maxRecordSize = maxRecordSize;
        _return = returnToPool;
    }

    public long Length => _length;

    /// <summary>Makes a pooled writer ready for a new message.</summary>
    public void Start()
    {
        _active = true;
        _key = Random.Shared.NextInt64();
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        ThrowIfNotWritable();
        _buffer ??= ArrayPool<byte>.Shared.Rent(_chunkSize);
        while (!data.IsEmpty)
        {
            if (_buffered == _chunkSize)
            {
                SpillChunk();
            }

            var count = Math.Min(data.Length, _chunkSize - _buffered);
            data[..count].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += count;
            _length += count;
            data = data[count..];
        }
    }

    /// <remarks>
    /// Not an async method: the checks and the body's last chunk happen now (a failure throws here), and the journal's
    /// commit is the task returned, so a message costs one state machine, the journal's.
    /// </remarks>
    public ValueTask<long> CommitAsync(Envelope envelope, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ThrowIfNotWritable();
        cancellationToken.ThrowIfCancellationRequested();
        var distinct = Distinct(mailboxes);
        _journal.ThrowIfFull();
        var record = _chunks.Count == 0 ? CommitRecord.Inline(_key, distinct, envelope, _buffer ?? [], _buffered) : default;
        if (_chunks.Count > 0 || record.SerializedLength > _maxRecordSize)
        {
            // A body already spilled, or one that shares its page badly with a large envelope: the rest goes in a chunk too.
            if (_buffered > 0)
            {
                SpillChunk();
            }

            record = CommitRecord.Chunked(_key, _length, distinct, envelope, _chunks, _chunkSize);
        }

        // Past this point the log decides: once the record is durable the message exists (and reappears on restart),
        // so cancellation is not honoured; a failed commit throws and the message stays invisible in this process.
        _committed = true;
        return _journal.CommitAsync(record, new Committed(this, record, distinct));
    }

    public void Dispose()
    {
        if (!_active)
        {
            return;
        }

        _return(this);
    }

    public bool TryReset()
    {
        // The chunk buffer stays with the pooled writer: handing 256 KB back to the shared ArrayPool on the commit's
        // thread and renting it again on a session's thread missed the pool's per-core caches now and then and
        // allocated a new large-object array per message. The writer pool bounds how many such buffers live.
        ReleaseFirstChunk();
        _chunks.Clear();
        _buffered = 0;
        _length = 0;
        _key = 0;
        _active = false;
        _committed = false;
        return true;
    }

    private void SpillChunk()
    {
        _journal.ThrowIfFull();
        if (_chunks.Count == 0)
        {
            // Held until the message is indexed or aborted: neither a checkpoint's covered address nor compaction's
            // truncation may pass the body of a message still being written.
            _firstChunk = _journal.AppendHeld(new ChunkRecord(_key, _buffer!, _buffered));
            _chunks.Add(_firstChunk);
        }
        else
        {
            _chunks.Add(_journal.Append(new ChunkRecord(_key, _buffer!, _buffered)));
        }

        _buffered = 0;
    }

    private void ReleaseFirstChunk()
    {
        if (_firstChunk >= 0)
        {
            _journal.Release(_firstChunk);
            _firstChunk = -1;
        }
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(!_active, this);
        if (_committed)
        {
            throw new InvalidOperationException("The message was already committed.");
        }
    }

    private static string[] Distinct(IReadOnlyList<string> mailboxes)
    {
        if (mailboxes.Count == 0)
        {
            throw new ArgumentException("A message needs at least one mailbox.", nameof(mailboxes));
        }

        var result = new List<string>(mailboxes.Count);
        foreach (var mailbox in mailboxes)
        {
            ArgumentException.ThrowIfNullOrEmpty(mailbox, nameof(mailboxes));
            if (!result.Contains(mailbox, StringComparer.Ordinal))
            {
                result.Add(mailbox);
            }
        }

        return [.. result];
    }

    /// <summary>Lists the committed message in its mailboxes, then lets go of its first chunk (the commit record now holds the body).</summary>
    private readonly struct Committed(MessageWriter writer, CommitRecord record, string[] mailboxes) : IIndexChange
    {
        public void Prepare(MailIndex index)
        {
        }

        public void Apply(MailIndex index, long address)
        {
            index.Add(record.ToStoredMessage(address), mailboxes, address);
            writer.ReleaseFirstChunk();
        }

        public void Abandon(MailIndex index, long address)
        {
            if (address >= 0)
            {
                index.Pending.Release(address);
            }
        }
    }
}
