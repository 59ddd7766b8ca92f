using System.Buffers;
using FASTER.core;

namespace FastMail.Storage.Journal;

/// <summary>
/// The one way a change reaches the mail store, for the message writer, the mailbox session and compaction: the record
/// is appended to the log and held (a checkpoint taken meanwhile covers the log only below it, and compaction truncates
/// nothing past it), its commit is awaited, and the change is applied to the index, which releases the hold in the same
/// step; if the commit fails the change is abandoned and the hold released. Nothing else of the store's internals is
/// reachable through it, so the index and log behind it can change (FasterKV) without touching its users.
/// </summary>
internal interface IStoreJournal
{
    /// <summary>New mail only: throws <see cref="Core.Storage.StorageFullException"/> when free space is below the reserve.</summary>
    void ThrowIfFull();

    /// <summary>Appends a record nothing refers to yet (a body chunk); it becomes reachable when a later commit names it.</summary>
    long Append<TRecord>(TRecord record)
        where TRecord : ILogEnqueueEntry;

    /// <summary>Appends a record and holds it until <see cref="Release"/> or an applied change releases it.</summary>
    long AppendHeld<TRecord>(TRecord record)
        where TRecord : ILogEnqueueEntry;

    void Release(long address);

    /// <summary>
    /// The whole sequence for one change: prepare, append held, wait for the commit, apply (releasing the hold). On any
    /// failure the change is abandoned (address -1 when nothing was appended) and the exception propagates. Once
    /// appended the record decides (it is replayed after a restart), so there is no cancellation. Returns the address.
    /// </summary>
    ValueTask<long> CommitAsync<TRecord, TChange>(TRecord record, TChange change)
        where TRecord : ILogEnqueueEntry
        where TChange : IIndexChange;

    /// <summary>
    /// The batched form, for compaction: every record of <paramref name="batch"/> was appended held, in order; waits for
    /// the last one's commit, then applies every change, or abandons them all if the commit failed.
    /// </summary>
    Task CommitHeldAsync<TChange>(IReadOnlyList<(long Address, TChange Change)> batch)
        where TChange : IIndexChange;

    /// <summary>Reads one committed record into a pooled buffer; the caller disposes the owner.</summary>
    ValueTask<(IMemoryOwner<byte> Owner, int Length)> ReadAsync(long address, int estimatedLength, CancellationToken cancellationToken);
}
