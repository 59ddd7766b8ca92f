using System.Diagnostics;
using FastMail.Core.Mail;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Compaction;

/// <summary>
/// Reclaims the space of deleted mail: the log below the cutoff (the committed address when the run starts) is read in
/// order, and every message whose current copy is there is copied forward, its chunks re-appended and a moved record
/// written that keeps its id; once the copies are durable the index points at them, the index is checkpointed, and the
/// log head is truncated (FASTER deletes whole segments). Crash-safety: until the truncation the originals are intact
/// and replay treats a moved record of a stored message as a relocation only, so a crash at any point neither loses,
/// duplicates nor resurrects mail. The index lock is taken per message, never for the whole run.
/// </summary>
internal sealed class Compactor
{
    private const long BatchBytes = 8 << 20;
    private readonly MailLog _log;
    private readonly MailIndex _index;
    private readonly IStoreJournal _journal;
    private readonly ILogger _logger;

    public Compactor(MailLog log, MailIndex index, IStoreJournal journal, ILogger logger)
    {
        _log = log;
        _index = index;
        _journal = journal;
        _logger = logger;
    }

    /// <summary>Messages copied between waits for their commit. Default 256; tests lower it to crash between batches.</summary>
    internal int BatchMessages { get; set; } = 256;

    /// <summary>
    /// Test seam: runs after each batch of copies is durable and indexed (with the batch number), and once more with -1
    /// after the checkpoint is written and before the log head is truncated.
    /// </summary>
    internal Func<int, Task>? AfterBatch { get; set; }

    /// <summary>Log bytes not held by live messages.</summary>
    public long DeadBytes => Math.Max(0, _log.TailAddress - _log.BeginAddress - _index.LiveBytes);

    /// <summary>True when dead bytes exceed both <paramref name="minDeadBytes"/> and <paramref name="deadRatio"/> of the log.</summary>
    public bool IsWorthwhile(long minDeadBytes, double deadRatio)
    {
        var size = _log.TailAddress - _log.BeginAddress;
        var dead = DeadBytes;
        return dead > minDeadBytes && dead >= size * deadRatio;
    }

    /// <summary>One compaction run. Returns the number of messages moved.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var cutoff = _log.CommittedUntilAddress;
        // A message still being written or indexed holds its first chunk and its record: the log below the lowest hold
        // is all that can be truncated, since such a message may have chunks below the cutoff and its record above.
        var holdsFrom = _index.Pending.CoveredAddress(cutoff);
        if (cutoff <= _log.BeginAddress)
        {
            return 0;
        }

        var batch = new List<(long Address, Relocation Change)>(BatchMessages);
        long batchBytes = 0, movedBytes = 0;
        var moved = 0;
        var batches = 0;
        var scanFrom = _log.BeginAddress;
        while (scanFrom < cutoff)
        {
            var (candidates, next) = FindStored(scanFrom, cutoff, BatchMessages);
            scanFrom = next;
            foreach (var (id, recordAddress) in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (length, location, address) = await MoveAsync(id, recordAddress, cancellationToken).ConfigureAwait(false);
                if (address < 0)
                {
                    continue;
                }

                batch.Add((address, new Relocation(id, location!)));
                batchBytes += length;
                if (batch.Count >= BatchMessages || batchBytes >= BatchBytes)
                {
                    moved += await CompleteAsync(batch, ++batches).ConfigureAwait(false);
                    movedBytes += batchBytes;
                    batchBytes = 0;
                }
            }
        }

        moved += await CompleteAsync(batch, ++batches).ConfigureAwait(false);
        movedBytes += batchBytes;

        // The checkpoint makes the new locations the recovery starting point before the originals disappear; without
        // room for it the originals stay (the copies are durable and indexed; a later run truncates).
        if (!_index.HasRoomForCheckpoint(full: false))
        {
            StorageLog.CheckpointSkippedForSpace(_logger, "the index");
            return moved;
        }

        var covered = await _index.CheckpointAsync(_log.CommittedUntilAddress, full: false).ConfigureAwait(false);
        if (AfterBatch is { } afterCheckpoint)
        {
            await afterCheckpoint(-1).ConfigureAwait(false);
        }

        var truncateTo = Math.Min(Math.Min(cutoff, holdsFrom), covered);
        if (truncateTo > _log.BeginAddress)
        {
            await _log.TruncateUntilAsync(truncateTo).ConfigureAwait(false);
        }

        StorageLog.Compacted(_logger, moved, movedBytes, cutoff, _log.BeginAddress, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return moved;
    }

    /// <summary>
    /// Reads the log from <paramref name="from"/> towards <paramref name="cutoff"/> for commit and moved records that are
    /// their message's current copy, up to <paramref name="max"/> of them. Returns them and where to go on reading.
    /// </summary>
    private unsafe (List<(long Id, long Address)> Found, long Next) FindStored(long from, long cutoff, int max)
    {
        var found = new List<(long, long)>(max);
        using var iterator = _log.ScanCommitted(from);
        var next = cutoff;
        while (found.Count < max && iterator.UnsafeGetNext(out var entry, out var length, out var address, out var after))
        {
            try
            {
                if (address >= cutoff)
                {
                    return (found, cutoff);
                }

                next = after;
                if (CommitRecord.TryReadId(new ReadOnlySpan<byte>(entry, length), address, out var id)
                    && _index.Find(id) is { } message && message.Location.RecordAddress == address)
                {
                    found.Add((id, address));
                }
            }
            finally
            {
                iterator.UnsafeRelease();
            }
        }

        return (found, found.Count < max ? cutoff : next);
    }

    /// <summary>
    /// Appends the copy of one message; returns its length, new location and the moved record's address (-1 if it is no
    /// longer stored at <paramref name="recordAddress"/> or no mailbox lists it now).
    /// </summary>
    private async Task<(long Length, BodyLocation? Location, long Address)> MoveAsync(long id, long recordAddress, CancellationToken cancellationToken)
    {
        if (_index.Find(id) is not { } message || message.Location.RecordAddress != recordAddress)
        {
            return (0, null, -1);
        }

        var old = message.Location;
        BodyLocation? location = null;
        if (old.ChunkAddresses is not { } chunks)
        {
            var (owner, length) = await _journal.ReadAsync(old.RecordAddress, old.InlineBodyOffset + (int)message.Length, cancellationToken).ConfigureAwait(false);
            using (owner)
            {
                if (length != old.InlineBodyOffset + message.Length)
                {
                    throw new InvalidDataException($"Log record at {old.RecordAddress} is not the commit record of a {message.Length}-byte message.");
                }

                var body = owner.Memory.Slice(old.InlineBodyOffset, (int)message.Length);
                var envelope = CommitRecord.ReadEnvelope(owner.Memory.Span[..length], old.RecordAddress);
                var address = _index.AppendWhileListed(id, recordAddress, (stored, listed) =>
                {
                    var record = CommitRecord.MovedInline(stored.Id, stored.Key, listed, envelope, body);
                    var at = _journal.AppendHeld(record);
                    location = record.ToLocation(at);
                    return at;
                });
                return (message.Length, location, address);
            }
        }

        var copies = new long[chunks.Length];
        for (var i = 0; i < chunks.Length; i++)
        {
            var expected = (int)Math.Min(old.ChunkLength, message.Length - ((long)i * old.ChunkLength));
            var (owner, length) = await _journal.ReadAsync(chunks[i], ChunkRecord.HeaderSize + expected, cancellationToken).ConfigureAwait(false);
            using (owner)
            {
                var data = ChunkRecord.ReadData(owner.Memory.Span[..length], chunks[i], message.Key);
                if (data.Length != expected)
                {
                    throw new InvalidDataException($"Body chunk at {chunks[i]} holds {data.Length} bytes, expected {expected}.");
                }

                // Unreferenced until the moved record names them, like the chunks of a message still being written.
                copies[i] = _journal.Append(new ChunkRecord(message.Key, owner.Memory.Slice(ChunkRecord.HeaderSize, expected)));
            }
        }

        // The envelope travels with the copy (the outbound queue reads it after a restart); a chunked body's record is small.
        Envelope? chunkedEnvelope;
        var (recordOwner, recordLength) = await _journal.ReadAsync(old.RecordAddress, 4096, cancellationToken).ConfigureAwait(false);
        using (recordOwner)
        {
            chunkedEnvelope = CommitRecord.ReadEnvelope(recordOwner.Memory.Span[..recordLength], old.RecordAddress);
        }

        var moved = _index.AppendWhileListed(id, recordAddress, (stored, listed) =>
        {
            var record = CommitRecord.MovedChunked(stored.Id, stored.Key, stored.Length, listed, chunkedEnvelope, copies, old.ChunkLength);
            var at = _journal.AppendHeld(record);
            location = record.ToLocation(at);
            return at;
        });
        return (message.Length, location, moved);
    }

    /// <summary>Waits until the batch's moved records are durable, then points the index at the copies.</summary>
    private async Task<int> CompleteAsync(List<(long Address, Relocation Change)> batch, int number)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var count = batch.Count;
        try
        {
            await _journal.CommitHeldAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            batch.Clear();
        }

        if (AfterBatch is { } hook)
        {
            await hook(number).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>A moved record made durable: the stored message now reads from the copy.</summary>
    private readonly struct Relocation(long id, BodyLocation location) : IIndexChange
    {
        public void Prepare(MailIndex index)
        {
        }

        public void Apply(MailIndex index, long address) => index.Relocate(id, location, address);

        public void Abandon(MailIndex index, long address) => index.Pending.Release(address);
    }
}
