using FastMail.Storage.Journal;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Storage.Mailboxes;

/// <summary>Creates writers for the store's pool and resets them before reuse.</summary>
internal sealed class MessageWriterPolicy(IStoreJournal journal, int chunkSize, int maxRecordSize, Action<MessageWriter> returnToPool) : IPooledObjectPolicy<MessageWriter>
{
    public MessageWriter Create() => new(journal, chunkSize, maxRecordSize, returnToPool);

    public bool Return(MessageWriter obj) => obj.TryReset();
}
