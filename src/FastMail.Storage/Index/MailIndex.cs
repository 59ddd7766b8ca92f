using System.Buffers.Binary;

namespace FastMail.Storage.Index;

/// <summary>
/// The mailbox index over <see cref="IndexStore"/> (FasterKV; key layout in <see cref="IndexKeys"/>): which messages each
/// mailbox lists, in id order, and where each message's bytes are. Each change (list a message, unlist it, move it) is
/// one group of writes that a checkpoint holds whole or not at all, and every change is idempotent, so replaying the
/// log over a checkpoint that already holds some of it changes nothing. Only per-session state is in memory: mailbox
/// locks, deletes in flight, and the records appended but not yet applied (<see cref="Pending"/>). One lock serializes
/// every store call; the store answers from memory or with one read.
/// </summary>
internal sealed class MailIndex : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IndexStore _store;
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);
    private readonly HashSet<(string Mailbox, long Id)> _deleting = [];
    private readonly List<Listing> _listings = [];
    private byte[] _value = new byte[4096];
    private IndexTotals _totals;
    private long _liveBytes;

    private MailIndex(IndexStore store)
    {
        _store = store;
        if (TryReadValue(IndexKeys.Totals, out var totals))
        {
            _totals = IndexTotals.Read(totals);
            _liveBytes = _totals.LiveBytes;
        }
    }

    public PendingRecords Pending { get; } = new();

    /// <summary>Approximate log bytes held by live messages.</summary>
    public long LiveBytes => Volatile.Read(ref _liveBytes);

    /// <summary>Bytes of records in the index's own log, memory and disk.</summary>
    public long StoreBytes
    {
        get
        {
            lock (_gate)
            {
                return _store.LogBytes;
            }
        }
    }

    /// <summary>Where the index's own log begins (moves up when it is compacted).</summary>
    public long StoreBegin
    {
        get
        {
            lock (_gate)
            {
                return _store.BeginAddress;
            }
        }
    }

    /// <summary>
    /// Opens the index in <paramref name="directory"/> from its newest checkpoint. Returns the mail log address that
    /// checkpoint covers, or -1 when there is none (a new store, or one whose index must be rebuilt from the log: the
    /// caller replays the whole log). An index that cannot be recovered is deleted and rebuilt.
    /// </summary>
    public static MailIndex Open(string directory, long memoryBytes, out long covered, Action<Exception> onUnrecoverable)
    {
        IndexStore store;
        bool recovered;
        try
        {
            store = IndexStore.Open(directory, memoryBytes, out recovered);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            onUnrecoverable(e);
            IndexStore.Delete(directory);
            store = IndexStore.Open(directory, memoryBytes, out recovered);
        }

        var index = new MailIndex(store);
        covered = recovered && index.TryReadValue(IndexKeys.Covered, out var value) ? BinaryPrimitives.ReadInt64LittleEndian(value) : -1;
        return index;
    }

    /// <summary>
    /// Lists <paramref name="message"/> in every mailbox of <paramref name="mailboxes"/> (already distinct) and releases the
    /// pending record at <paramref name="pendingAddress"/> (or none if negative) in the same step. A mailbox already
    /// listing it is left as it is; if the message is already stored (replay), its stored location is kept.
    /// </summary>
    public void Add(StoredMessage message, string[] mailboxes, long pendingAddress = -1)
    {
        lock (_gate)
        {
            _store.BeginChange();
            try
            {
                AddLocked(message, mailboxes);
            }
            finally
            {
                _store.EndChange();
            }

            if (pendingAddress >= 0)
            {
                Pending.Release(pendingAddress);
            }
        }
    }

    /// <summary>
    /// Unlists the messages with these ids from one mailbox, clears their in-flight delete marks and releases the pending
    /// record. Returns the ids that were not listed there.
    /// </summary>
    public List<long>? Remove(string mailbox, ReadOnlySpan<long> ids, long pendingAddress = -1)
    {
        List<long>? missing = null;
        lock (_gate)
        {
            _store.BeginChange();
            try
            {
                foreach (var id in ids)
                {
                    _deleting.Remove((mailbox, id));
                    if (!RemoveLocked(mailbox, id))
                    {
                        (missing ??= []).Add(id);
                    }
                }

                WriteTotals();
            }
            finally
            {
                _store.EndChange();
            }

            if (pendingAddress >= 0)
            {
                Pending.Release(pendingAddress);
            }
        }

        return missing;
    }

    /// <summary>
    /// Marks deletes that are about to be appended, so that compaction copies these messages without these mailboxes
    /// (a copy that still listed them, appended after the delete record, would bring them back on replay).
    /// </summary>
    public void MarkDeleting(string mailbox, ReadOnlySpan<long> ids)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _deleting.Add((mailbox, id));
            }
        }
    }

    /// <summary>Clears delete marks after the delete record failed to commit.</summary>
    public void UnmarkDeleting(string mailbox, ReadOnlySpan<long> ids, long pendingAddress)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _deleting.Remove((mailbox, id));
            }

            Pending.Release(pendingAddress);
        }
    }

    /// <summary>
    /// Replays a moved record: relocates the stored message with that id. If none is stored it was deleted, unless
    /// <paramref name="mayList"/> (full replay and the original commit lies before the log's begin), when the record's
    /// mailbox list is the truth as of its position in the log.
    /// </summary>
    public void ApplyMoved(StoredMessage copy, string[] mailboxes, bool mayList)
    {
        lock (_gate)
        {
            _store.BeginChange();
            try
            {
                if (!RelocateLocked(copy.Id, copy.Location) && mayList)
                {
                    AddLocked(copy, mailboxes);
                }
            }
            finally
            {
                _store.EndChange();
            }
        }
    }

    /// <summary>Gives a stored message its compacted location and releases the moved record's pending address.</summary>
    public void Relocate(long id, BodyLocation location, long pendingAddress)
    {
        lock (_gate)
        {
            _store.BeginChange();
            try
            {
                RelocateLocked(id, location);
            }
            finally
            {
                _store.EndChange();
            }

            Pending.Release(pendingAddress);
        }
    }

    /// <summary>
    /// If the message with <paramref name="id"/> is stored at <paramref name="recordAddress"/>, runs
    /// <paramref name="append"/> with it and the mailboxes that list it and have no delete of it in flight, while no
    /// delete can be marked or applied. Returns the appended address, or -1 if it is stored elsewhere or unlisted.
    /// </summary>
    public long AppendWhileListed(long id, long recordAddress, Func<StoredMessage, string[], long> append)
    {
        lock (_gate)
        {
            _listings.Clear();
            if (ReadMessage(id, _listings) is not { } message || message.Location.RecordAddress != recordAddress)
            {
                return -1;
            }

            var listed = new List<string>(_listings.Count);
            foreach (var listing in _listings)
            {
                if (!_deleting.Contains((listing.Mailbox, id)))
                {
                    listed.Add(listing.Mailbox);
                }
            }

            return listed.Count == 0 ? -1 : append(message, [.. listed]);
        }
    }

    /// <summary>
    /// Replaces the queue state of message <paramref name="id"/> and releases the pending record in one step; ignored when
    /// the queue mailbox no longer lists the message (a replayed state record of a message that left the queue since).
    /// </summary>
    public void SetQueueState(long id, ReadOnlySpan<byte> state, long pendingAddress = -1)
    {
        lock (_gate)
        {
            _listings.Clear();
            if (ReadMessage(id, _listings) is not null && FindListing(Core.Services.QueueMailbox.Name) >= 0)
            {
                Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
                _store.BeginChange();
                try
                {
                    _store.Upsert(key[..IndexKeys.Queue(key, id)], state);
                }
                finally
                {
                    _store.EndChange();
                }
            }

            if (pendingAddress >= 0)
            {
                Pending.Release(pendingAddress);
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries of <paramref name="mailbox"/> with a sequence below <paramref name="before"/>,
    /// newest first, reading those entries only (and the gaps deletes left among them); with the mailbox's total count.
    /// </summary>
    public (List<(MailboxEntry Entry, long Sequence)> Entries, long Total) ListNewest(string mailbox, long before, int count)
    {
        lock (_gate)
        {
            var page = new List<(MailboxEntry, long)>(Math.Min(count, 256));
            if (ReadMailbox(mailbox) is not { } record)
            {
                return (page, 0);
            }

            Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
            for (var sequence = Math.Min(before, record.NextSequence) - 1; sequence >= record.FirstSequence && page.Count < count; sequence--)
            {
                if (TryReadValue(key[..IndexKeys.Entry(key, mailbox, sequence)], out var value))
                {
                    page.Add((MailboxEntry.Read(value), sequence));
                }
            }

            return (page, record.Count);
        }
    }

    /// <summary>True while a mailbox session holds the lock of <paramref name="mailbox"/>.</summary>
    public bool IsLocked(string mailbox)
    {
        lock (_gate)
        {
            return _locked.Contains(mailbox);
        }
    }

    /// <summary>True when <paramref name="mailbox"/> lists message <paramref name="id"/>.</summary>
    public bool IsListedIn(long id, string mailbox)
    {
        lock (_gate)
        {
            _listings.Clear();
            return ReadMessage(id, _listings) is not null && FindListing(mailbox) >= 0;
        }
    }

    /// <summary>The saved queue state of message <paramref name="id"/>, or null when none was saved.</summary>
    public byte[]? GetQueueState(long id)
    {
        lock (_gate)
        {
            Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
            return _store.TryRead(key[..IndexKeys.Queue(key, id)], out var value) ? value.ToArray() : null;
        }
    }

    /// <summary>The messages <paramref name="mailbox"/> lists, in id order, without taking its lock (the queue holds it for good).</summary>
    public MailboxEntry[] ListUnlocked(string mailbox)
    {
        lock (_gate)
        {
            return List(mailbox);
        }
    }

    /// <summary>The stored message with <paramref name="id"/>, or null when no mailbox lists it any more.</summary>
    public StoredMessage? Find(long id)
    {
        lock (_gate)
        {
            return ReadMessage(id, null);
        }
    }

    /// <summary>Bytes of the messages listed in <paramref name="mailbox"/> (0 if none): one read.</summary>
    public long Usage(string mailbox)
    {
        lock (_gate)
        {
            return ReadMailbox(mailbox) is { } record ? record.Bytes : 0;
        }
    }

    /// <summary>Takes the mailbox lock and lists its messages in id order, or returns null when the lock is held.</summary>
    public MailboxEntry[]? TryLock(string mailbox)
    {
        lock (_gate)
        {
            if (!_locked.Add(mailbox))
            {
                return null;
            }

            try
            {
                return List(mailbox);
            }
            catch
            {
                _locked.Remove(mailbox);
                throw;
            }
        }
    }

    public void Unlock(string mailbox)
    {
        lock (_gate)
        {
            _locked.Remove(mailbox);
        }
    }

    /// <summary>Counts for the startup log line: listed messages (a message in two mailboxes counts twice) and mailboxes.</summary>
    public (long Messages, long Mailboxes) Count()
    {
        lock (_gate)
        {
            return (_totals.Listings, _totals.Mailboxes);
        }
    }

    /// <summary>
    /// True when the file system holding the index has room for a checkpoint. FASTER does not recover from a failed
    /// checkpoint write (the checkpoint never completes), so on a nearly full disk the checkpoint is skipped instead:
    /// nothing is lost, the next start replays more of the mail log.
    /// </summary>
    public bool HasRoomForCheckpoint(bool full)
    {
        long needed;
        lock (_gate)
        {
            needed = _store.CheckpointBytes(full);
        }

        return !Log.FreeSpaceGuard.IsBelow(_store.Directory, needed);
    }

    /// <summary>
    /// Checkpoints the index. Returns the mail log address it covers: every index-changing record below it is applied
    /// in the checkpoint, and the checkpoint may hold some changes above it too, which a replay reapplies harmlessly.
    /// </summary>
    public async Task<long> CheckpointAsync(long committedUntil, bool full, Func<string, Task>? testPause = null)
    {
        long covered;
        lock (_gate)
        {
            covered = Pending.CoveredAddress(committedUntil);
            Span<byte> value = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(value, covered);
            _store.BeginChange();
            try
            {
                _store.Upsert(IndexKeys.Covered, value);
            }
            finally
            {
                _store.EndChange();
            }
        }

        if (testPause is not null)
        {
            await testPause("covered address recorded").ConfigureAwait(false);
        }

        // Outside the lock: sessions go on writing while FASTER flushes; what they write after this call belongs to the
        // next checkpoint version (or to this one, which replay tolerates).
        await _store.CheckpointAsync(full, testPause).ConfigureAwait(false);
        return covered;
    }

    /// <summary>
    /// Index log bytes the listed mail needs, estimated from the totals (entry, message and mailbox records with their
    /// keys and headers, rounded up): what the index log would shrink to if compacted.
    /// </summary>
    public long EstimatedLiveStoreBytes
    {
        get
        {
            lock (_gate)
            {
                return (_totals.Listings * 64) + (_totals.LiveMessages * 128) + (_totals.Mailboxes * 96) + (1L << 20);
            }
        }
    }

    /// <summary>
    /// Compacts the index's own log: live records move to its tail, then a full checkpoint (a hash table that no longer
    /// points below the new begin) lets the old segment files go. Returns the index log bytes reclaimed.
    /// </summary>
    public async Task<long> CompactStoreAsync(long committedUntil)
    {
        // A checkpoint first: it folds the whole index log over to read-only, so all of it can be compacted.
        await CheckpointAsync(committedUntil, full: false).ConfigureAwait(false);
        var before = StoreBytes;
        long begin;
        lock (_gate)
        {
            begin = _store.BeginAddress;
        }

        // Outside the lock: FASTER's compaction copies only records nobody has superseded, while sessions go on.
        if (await Task.Run(_store.Compact).ConfigureAwait(false) <= begin)
        {
            return 0;
        }

        await CheckpointAsync(committedUntil, full: true).ConfigureAwait(false);
        lock (_gate)
        {
            _store.TruncateLog();
        }

        return before - StoreBytes;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _store.Dispose();
        }
    }

    private void AddLocked(StoredMessage message, string[] mailboxes)
    {
        _listings.Clear();
        var stored = ReadMessage(message.Id, _listings);
        var known = _listings.Count;
        foreach (var mailbox in mailboxes)
        {
            if (FindListing(mailbox) < 0)
            {
                _listings.Add(new Listing(mailbox, AppendEntry(mailbox, new MailboxEntry(message.Id, message.Length))));
            }
        }

        if (_listings.Count == known)
        {
            return;
        }

        if (stored is null)
        {
            _totals.LiveMessages++;
            _totals.LiveBytes += message.StoredBytes;
        }

        _totals.Listings += _listings.Count - known;
        WriteMessage(stored ?? message, _listings);
        WriteTotals();
    }

    private bool RemoveLocked(string mailbox, long id)
    {
        _listings.Clear();
        if (ReadMessage(id, _listings) is not { } message)
        {
            return false;
        }

        var position = FindListing(mailbox);
        if (position < 0)
        {
            return false;
        }

        RemoveEntry(mailbox, _listings[position].Sequence, message.Length);
        _listings.RemoveAt(position);
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        if (string.Equals(mailbox, Core.Services.QueueMailbox.Name, StringComparison.Ordinal))
        {
            // Leaving the queue ends its delivery state in the same step.
            _store.Delete(key[..IndexKeys.Queue(key, id)]);
        }

        _totals.Listings--;
        if (_listings.Count > 0)
        {
            WriteMessage(message, _listings);
            return true;
        }

        _store.Delete(key[..IndexKeys.Message(key, id)]);
        _totals.LiveMessages--;
        _totals.LiveBytes -= message.StoredBytes;
        return true;
    }

    private bool RelocateLocked(long id, BodyLocation location)
    {
        _listings.Clear();
        if (ReadMessage(id, _listings) is not { } message)
        {
            return false;
        }

        WriteMessage(message.WithLocation(location), _listings);
        return true;
    }

    /// <summary>
    /// Lists an entry under the mailbox's next sequence number; returns it. A blind write of a new key: appending to a
    /// mailbox reads only its small mailbox record, whichever mailbox it is, so delivery never waits for the disk.
    /// </summary>
    private long AppendEntry(string mailbox, MailboxEntry entry)
    {
        var record = ReadMailbox(mailbox) ?? NewMailbox();
        var sequence = record.NextSequence++;
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        Span<byte> value = stackalloc byte[MailboxEntry.Size];
        entry.Write(value);
        _store.Upsert(key[..IndexKeys.Entry(key, mailbox, sequence)], value);
        record.Count++;
        record.Bytes += entry.Length;
        WriteMailbox(mailbox, record);
        return sequence;
    }

    private MailboxRecord NewMailbox()
    {
        _totals.Mailboxes++;
        return default;
    }

    private void RemoveEntry(string mailbox, long sequence, long length)
    {
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        _store.Delete(key[..IndexKeys.Entry(key, mailbox, sequence)]);
        var record = ReadMailbox(mailbox) ?? throw new InvalidDataException($"Index lists a message in mailbox {mailbox}, which has no record.");
        record.Count--;
        record.Bytes -= length;
        if (record.Count == 0)
        {
            _store.Delete(key[..IndexKeys.Mailbox(key, mailbox)]);
            _totals.Mailboxes--;
            return;
        }

        // Deleted entries at the front are skipped for good, so listing a mailbox does not walk its deleted past.
        while (record.FirstSequence < record.NextSequence && !TryReadValue(key[..IndexKeys.Entry(key, mailbox, record.FirstSequence)], out _))
        {
            record.FirstSequence++;
        }

        WriteMailbox(mailbox, record);
    }

    private MailboxEntry[] List(string mailbox)
    {
        if (ReadMailbox(mailbox) is not { } record)
        {
            return [];
        }

        var entries = new MailboxEntry[record.Count];
        var filled = 0;
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        for (var sequence = record.FirstSequence; sequence < record.NextSequence; sequence++)
        {
            if (!TryReadValue(key[..IndexKeys.Entry(key, mailbox, sequence)], out var value))
            {
                continue;
            }

            if (filled == entries.Length)
            {
                throw new InvalidDataException($"Mailbox {mailbox} holds more entries than its record counts ({record.Count}).");
            }

            entries[filled++] = MailboxEntry.Read(value);
        }

        if (filled != entries.Length)
        {
            throw new InvalidDataException($"Mailbox {mailbox} holds {filled} entries, its record counts {record.Count}.");
        }

        // Sequence order is commit order; a commit that finished late has a higher sequence than a later id.
        if (!IsSorted(entries))
        {
            Array.Sort(entries, static (a, b) => a.Id.CompareTo(b.Id));
        }

        return entries;
    }

    private int FindListing(string mailbox)
    {
        for (var i = 0; i < _listings.Count; i++)
        {
            if (string.Equals(_listings[i].Mailbox, mailbox, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsSorted(MailboxEntry[] entries)
    {
        for (var i = 1; i < entries.Length; i++)
        {
            if (entries[i - 1].Id >= entries[i].Id)
            {
                return false;
            }
        }

        return true;
    }

    private MailboxRecord? ReadMailbox(string mailbox)
    {
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        return TryReadValue(key[..IndexKeys.Mailbox(key, mailbox)], out var value) ? MailboxRecord.Read(value) : null;
    }

    private void WriteMailbox(string mailbox, MailboxRecord record)
    {
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        Span<byte> value = stackalloc byte[MailboxRecord.Size];
        record.Write(value);
        _store.Upsert(key[..IndexKeys.Mailbox(key, mailbox)], value);
    }

    private StoredMessage? ReadMessage(long id, List<Listing>? listings)
    {
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        return TryReadValue(key[..IndexKeys.Message(key, id)], out var value) ? MessageRecord.Read(value, id, listings) : null;
    }

    private void WriteMessage(StoredMessage message, List<Listing> listings)
    {
        var listed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(listings);
        var size = MessageRecord.Size(message, listed);
        if (_value.Length < size)
        {
            _value = new byte[Math.Max(size, _value.Length * 2)];
        }

        MessageRecord.Write(_value, message, listed);
        Span<byte> key = stackalloc byte[IndexKeys.MaxKeySize];
        _store.Upsert(key[..IndexKeys.Message(key, message.Id)], _value.AsSpan(0, size));
    }

    private void WriteTotals()
    {
        Span<byte> value = stackalloc byte[IndexTotals.Size];
        _totals.Write(value);
        _store.Upsert(IndexKeys.Totals, value);
        Volatile.Write(ref _liveBytes, _totals.LiveBytes);
    }

    private bool TryReadValue(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value) => _store.TryRead(key, out value);
}
