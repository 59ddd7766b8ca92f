using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;
using FastMail.Storage.Mailboxes;

namespace FastMail.Storage.Queue;

/// <summary>
/// The outbound queue's access to the store (<see cref="IQueueStore"/>). It takes the queue mailbox's lock once and keeps
/// it, so no POP3 session can open that mailbox; each read goes through a one-message view of it (a
/// <see cref="MailboxSession"/> that does not own the lock), so reads, envelope and delete share the mailbox code.
/// </summary>
internal sealed class QueueAccess : IQueueStore
{
    private readonly IStoreJournal _journal;
    private readonly MailIndex _index;

    public QueueAccess(IStoreJournal journal, MailIndex index)
    {
        _journal = journal;
        _index = index;
        if (index.TryLock(QueueMailbox.Name) is null)
        {
            throw new InvalidOperationException("The queue mailbox is locked already.");
        }
    }

    public IReadOnlyList<long> ListQueued()
    {
        var entries = _index.ListUnlocked(QueueMailbox.Name);
        var ids = new long[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            ids[i] = entries[i].Id;
        }

        return ids;
    }

    public async ValueTask<QueuedMessage?> ReadQueuedAsync(long id, CancellationToken cancellationToken)
    {
        if (View(id) is not { } view)
        {
            return null;
        }

        await using (view.ConfigureAwait(false))
        {
            var envelope = await view.ReadEnvelopeAsync(0, cancellationToken).ConfigureAwait(false);
            if (envelope is null)
            {
                // A record from before envelopes were stored cannot be queued; nothing would know where to send it.
                throw new InvalidDataException($"Queued message {id} has no stored envelope.");
            }

            return new QueuedMessage(id, view.GetSize(0), envelope, _index.GetQueueState(id));
        }
    }

    public Stream OpenBody(long id) =>
        View(id) is { } view ? new MailboxBodyStream(view) : throw new InvalidOperationException($"Message {id} is not queued.");

    public async ValueTask SaveStateAsync(long id, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _journal.CommitAsync(new QueueStateRecord(id, state), new StateChange(id, state)).ConfigureAwait(false);
    }

    public async ValueTask<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        if (View(id) is not { } view)
        {
            return false;
        }

        await using (view.ConfigureAwait(false))
        {
            await view.CommitDeletesAsync(new[] { 0 }, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>A one-message view of the queue mailbox, or null when the queue does not list <paramref name="id"/>.</summary>
    private MailboxSession? View(long id)
    {
        if (!_index.IsListedIn(id, QueueMailbox.Name) || _index.Find(id) is not { } message)
        {
            return null;
        }

        return new MailboxSession(_journal, _index, QueueMailbox.Name, [new MailboxEntry(id, message.Length)], ownsLock: false);
    }

    /// <summary>Saves the state in the index once its record is durable.</summary>
    private readonly struct StateChange(long id, ReadOnlyMemory<byte> state) : IIndexChange
    {
        public void Prepare(MailIndex index)
        {
        }

        public void Apply(MailIndex index, long address) => index.SetQueueState(id, state.Span, address);

        public void Abandon(MailIndex index, long address)
        {
            if (address >= 0)
            {
                index.Pending.Release(address);
            }
        }
    }
}
