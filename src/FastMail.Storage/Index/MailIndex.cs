namespace FastMail.Storage.Index;

/// <summary>
/// In-memory index: mailbox name (ordinal; the caller normalizes case) → messages in id order, plus the mailbox locks.
/// One lock, held only for list edits and snapshot copies.
/// </summary>
internal sealed class MailIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<StoredMessage>> _mailboxes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);

    /// <summary>Lists <paramref name="message"/> in every mailbox of <paramref name="mailboxes"/> (already distinct).</summary>
    public void Add(StoredMessage message, string[] mailboxes)
    {
        lock (_gate)
        {
            foreach (var mailbox in mailboxes)
            {
                if (InsertInIdOrder(GetOrCreate(mailbox), message))
                {
                    message.ReferenceCount++;
                }
            }
        }
    }

    /// <summary>Unlists the messages with these ids from one mailbox. Returns the ids that were not listed there.</summary>
    public List<long>? Remove(string mailbox, ReadOnlySpan<long> ids)
    {
        List<long>? missing = null;
        lock (_gate)
        {
            _mailboxes.TryGetValue(mailbox, out var list);
            foreach (var id in ids)
            {
                var position = list is null ? -1 : BinarySearch(list, id);
                if (position < 0)
                {
                    (missing ??= []).Add(id);
                    continue;
                }

                list![position].ReferenceCount--;
                list.RemoveAt(position);
            }
        }

        return missing;
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
