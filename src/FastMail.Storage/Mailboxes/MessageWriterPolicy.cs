using Microsoft.Extensions.ObjectPool;

namespace FastMail.Storage.Mailboxes;

/// <summary>Creates writers for the store's pool and resets them (returning their buffer) before reuse.</summary>
internal sealed class MessageWriterPolicy(FasterMailStore store, int chunkSize) : IPooledObjectPolicy<MessageWriter>
{
    public MessageWriter Create() => new(store, chunkSize);

    public bool Return(MessageWriter obj) => obj.TryReset();
}
