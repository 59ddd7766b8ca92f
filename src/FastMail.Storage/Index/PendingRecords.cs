using FastMail.Storage.Log;

namespace FastMail.Storage.Index;

/// <summary>
/// Log addresses of index-changing records (commit, delete, moved) that were appended but are not yet applied to the
/// index. A checkpoint covers the log only up to the lowest of them: a record the snapshot does not reflect must be
/// replayed. Appending and registering happen under one lock, so a checkpoint never sees a record in neither place.
/// </summary>
internal sealed class PendingRecords
{
    private readonly Lock _gate = new();
    private readonly SortedSet<long> _addresses = [];

    /// <summary>Appends <paramref name="record"/> and registers its address, atomically with respect to checkpoints.</summary>
    public long AppendAndRegister<T>(MailLog log, T record)
        where T : FASTER.core.ILogEnqueueEntry
    {
        lock (_gate)
        {
            var address = log.Append(record);
            _addresses.Add(address);
            return address;
        }
    }

    public void Release(long address)
    {
        lock (_gate)
        {
            _addresses.Remove(address);
        }
    }

    /// <summary>The address up to which every index-changing record is applied, given the log's committed address.</summary>
    public long CoveredAddress(long committedUntil)
    {
        lock (_gate)
        {
            return _addresses.Count == 0 ? committedUntil : Math.Min(committedUntil, _addresses.Min);
        }
    }
}
