using System.Buffers;
using System.Runtime.CompilerServices;
using FASTER.core;
using FastMail.Storage.Index;
using FastMail.Storage.Log;

namespace FastMail.Storage.Journal;

/// <summary>The store's <see cref="IStoreJournal"/> over its <see cref="MailLog"/>, <see cref="MailIndex"/> and free-space guard.</summary>
internal sealed class StoreJournal(MailLog log, MailIndex index, FreeSpaceGuard freeSpace) : IStoreJournal
{
    public void ThrowIfFull() => freeSpace.ThrowIfLow();

    public long Append<TRecord>(TRecord record)
        where TRecord : ILogEnqueueEntry => log.Append(record);

    public long AppendHeld<TRecord>(TRecord record)
        where TRecord : ILogEnqueueEntry => index.Pending.AppendAndRegister(log, record);

    public void Release(long address) => index.Pending.Release(address);

    // Pooled: a message's commit is awaited once, and its state machine (holding the record and the change) is then reused
    // instead of allocated per message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<long> CommitAsync<TRecord, TChange>(TRecord record, TChange change)
        where TRecord : ILogEnqueueEntry
        where TChange : IIndexChange
    {
        change.Prepare(index);
        long address;
        try
        {
            address = AppendHeld(record);
        }
        catch
        {
            change.Abandon(index, -1);
            throw;
        }

        try
        {
            await log.WaitForCommitAsync(address).ConfigureAwait(false);
        }
        catch
        {
            change.Abandon(index, address);
            throw;
        }

        change.Apply(index, address);
        return address;
    }

    public async Task CommitHeldAsync<TChange>(IReadOnlyList<(long Address, TChange Change)> batch)
        where TChange : IIndexChange
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            // Commits cover the log in order, so the last record's commit covers the whole batch.
            await log.WaitForCommitAsync(batch[^1].Address).ConfigureAwait(false);
        }
        catch
        {
            foreach (var (address, change) in batch)
            {
                change.Abandon(index, address);
            }

            throw;
        }

        foreach (var (address, change) in batch)
        {
            change.Apply(index, address);
        }
    }

    public ValueTask<(IMemoryOwner<byte> Owner, int Length)> ReadAsync(long address, int estimatedLength, CancellationToken cancellationToken) =>
        log.ReadAsync(address, estimatedLength, cancellationToken);
}
