using System.Runtime.InteropServices;

namespace FastMail.Storage.Index;

/// <summary>
/// In-memory index: mailbox name (ordinal; the caller normalizes case) → messages in id order, the live messages by id,
/// the mailbox locks, deletes in flight, and the records appended but not yet applied (<see cref="Pending"/>).
/// One lock, held only for list edits and snapshot copies.
/// </summary>
internal sealed class MailIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<StoredMessage>> _mailboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, StoredMessage> _live = [];
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);
    private readonly HashSet<(string Mailbox, long Id)> _deleting = [];

    // Bytes listed per mailbox (sum of message lengths), kept with every list edit so a quota check is one lookup.
    // Never persisted: a checkpoint load and replay go through Load/Add/Remove, which rebuild it.
    private readonly Dictionary<string, long> _usage = new(StringComparer.Ordinal);
    private long _liveBytes;

    public PendingRecords Pending { get; } = new();

    /// <summary>Approximate log bytes held by live messages.</summary>
    public long LiveBytes => Volatile.Read(ref _liveBytes);

    /// <summary>
    /// Lists <paramref name="message"/> in every mailbox of <paramref name="mailboxes"/> (already distinct) and releases the
    /// pending record at <paramref name="pendingAddress"/> (or none if negative) in the same step.
    /// If a message with the same id is already live (replay over a checkpoint), that copy is listed instead.
    /// </summary>
    public void Add(StoredMessage message, string[] mailboxes, long pendingAddress = -1)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(message.Id, out var existing))
            {
                message = existing;
            }

            foreach (var mailbox in mailboxes)
            {
                if (InsertInIdOrder(GetOrCreate(mailbox), message))
                {
                    Reference(message);
                    AddUsage(mailbox, message.Length);
                }
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
            _mailboxes.TryGetValue(mailbox, out var list);
            foreach (var id in ids)
            {
                _deleting.Remove((mailbox, id));
                var position = list is null ? -1 : BinarySearch(list, id);
                if (position < 0)
                {
                    (missing ??= []).Add(id);
                    continue;
                }

                var message = list![position];
                list.RemoveAt(position);
                Unreference(message);
                AddUsage(mailbox, -message.Length);
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
    /// Replays a moved record: relocates the live message with that id. If no such message is live it was deleted, unless
    /// <paramref name="mayList"/> (full replay and the original commit lies before the log's begin), when the record's
    /// mailbox list is the truth as of its position in the log.
    /// </summary>
    public void ApplyMoved(StoredMessage copy, string[] mailboxes, bool mayList)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(copy.Id, out var existing))
            {
                existing.Location = copy.Location;
                return;
            }
        }

        if (mayList)
        {
            Add(copy, mailboxes);
        }
    }

    /// <summary>Gives a live message its compacted location and releases the moved record's pending address.</summary>
    public void Relocate(StoredMessage message, BodyLocation location, long pendingAddress)
    {
        lock (_gate)
        {
            message.Location = location;
            Pending.Release(pendingAddress);
        }
    }

    /// <summary>
    /// Runs <paramref name="append"/> while no delete can be marked or applied, passing the mailboxes among
    /// <paramref name="candidates"/> that still list <paramref name="message"/> and have no delete of it in flight.
    /// Returns the appended address, or -1 if no mailbox lists it any more (nothing is appended).
    /// </summary>
    public long AppendWhileListed(StoredMessage message, List<string> candidates, Func<string[], long> append)
    {
        lock (_gate)
        {
            var listed = new List<string>(candidates.Count);
            foreach (var mailbox in candidates)
            {
                if (_mailboxes.TryGetValue(mailbox, out var list) && BinarySearch(list, message.Id) >= 0 && !_deleting.Contains((mailbox, message.Id)))
                {
                    listed.Add(mailbox);
                }
            }

            return listed.Count == 0 ? -1 : append([.. listed]);
        }
    }

    /// <summary>Adds to <paramref name="candidates"/> every message of <paramref name="mailbox"/> with bytes below <paramref name="cutoff"/>.</summary>
    public void CollectBelow(string mailbox, long cutoff, Dictionary<StoredMessage, List<string>> candidates)
    {
        lock (_gate)
        {
            if (!_mailboxes.TryGetValue(mailbox, out var list))
            {
                return;
            }

            foreach (var message in list)
            {
                if (message.Location.LowestAddress < cutoff)
                {
                    if (!candidates.TryGetValue(message, out var names))
                    {
                        names = new List<string>(1);
                        candidates.Add(message, names);
                    }

                    names.Add(mailbox);
                }
            }
        }
    }

    /// <summary>Bytes of the messages listed in <paramref name="mailbox"/> (0 if none): one lookup, no allocation.</summary>
    public long Usage(string mailbox)
    {
        lock (_gate)
        {
            return _usage.GetValueOrDefault(mailbox);
        }
    }

    public string[] MailboxNames()
    {
        lock (_gate)
        {
            return [.. _mailboxes.Keys];
        }
    }

    /// <summary>
    /// A consistent copy of all listings and the log address it covers: every index-changing record below it is
    /// reflected, and replaying from it reapplies the rest (replay is idempotent for records already reflected).
    /// </summary>
    public IndexSnapshot Snapshot(long committedUntil)
    {
        lock (_gate)
        {
            var covered = Pending.CoveredAddress(committedUntil);
            var mailboxes = new (string, StoredMessage[])[_mailboxes.Count];
            var i = 0;
            foreach (var (name, list) in _mailboxes)
            {
                mailboxes[i++] = (name, list.ToArray());
            }

            var lowest = long.MaxValue;
            foreach (var message in _live.Values)
            {
                lowest = Math.Min(lowest, message.Location.LowestAddress);
            }

            return new IndexSnapshot(covered, mailboxes, _live.Count, lowest);
        }
    }

    /// <summary>Takes the mailbox lock and a snapshot of its messages, or returns null when the lock is held.</summary>
    public StoredMessage[]? TryLock(string mailbox)
    {
        lock (_gate)
        {
            if (!_locked.Add(mailbox))
            {
                return null;
            }

            return _mailboxes.TryGetValue(mailbox, out var list) ? list.ToArray() : [];
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
    public (int Messages, int Mailboxes) Count()
    {
        lock (_gate)
        {
            var messages = 0;
            foreach (var list in _mailboxes.Values)
            {
                messages += list.Count;
            }

            return (messages, _mailboxes.Count);
        }
    }

    /// <summary>Loads one mailbox from a checkpoint into an index nobody else sees yet; messages arrive in id order.</summary>
    public void Load(string mailbox, List<StoredMessage> messages)
    {
        foreach (var message in messages)
        {
            Reference(message);
            AddUsage(mailbox, message.Length);
        }

        _mailboxes.Add(mailbox, messages);
    }

    private void Reference(StoredMessage message)
    {
        if (message.ReferenceCount++ == 0)
        {
            _live[message.Id] = message;
            _liveBytes += message.StoredBytes;
        }
    }

    private void AddUsage(string mailbox, long bytes)
    {
        ref var usage = ref CollectionsMarshal.GetValueRefOrAddDefault(_usage, mailbox, out _);
        usage += bytes;
    }

    private void Unreference(StoredMessage message)
    {
        if (--message.ReferenceCount == 0)
        {
            _live.Remove(message.Id);
            _liveBytes -= message.StoredBytes;
        }
    }

    private List<StoredMessage> GetOrCreate(string mailbox)
    {
        if (!_mailboxes.TryGetValue(mailbox, out var list))
        {
            list = [];
            _mailboxes.Add(mailbox, list);
        }

        return list;
    }

    // Commits finish out of order across concurrent writers; keeping id order makes a mailbox look the same
    // before and after a restart (replay applies records in log order).
    private static bool InsertInIdOrder(List<StoredMessage> list, StoredMessage message)
    {
        if (list.Count == 0 || list[^1].Id < message.Id)
        {
            list.Add(message);
            return true;
        }

        var position = BinarySearch(list, message.Id);
        if (position >= 0)
        {
            return false;
        }

        list.Insert(~position, message);
        return true;
    }

    private static int BinarySearch(List<StoredMessage> list, long id)
    {
        int low = 0, high = list.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var current = list[middle].Id;
            if (current == id)
            {
                return middle;
            }

            if (current < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
