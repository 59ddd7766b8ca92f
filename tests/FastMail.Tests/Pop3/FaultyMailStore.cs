using FastMail.Core.Services;

namespace FastMail.Tests.Pop3;

/// <summary>
/// Wraps a store to misbehave the way real storage may: reads split into tiny pieces, reads that fail part-way,
/// deletions that fail to commit. Records whether the mailbox lock was released.
/// </summary>
internal sealed class FaultyMailStore(IMailStore inner) : IMailStore
{
    /// <summary>Most bytes one ReadAsync returns; 0 for no limit.</summary>
    public int ReadLimit { get; init; }

    /// <summary>ReadAsync throws once this many bytes of a message were read; -1 never.</summary>
    public long FailReadsAfter { get; init; } = -1;

    public bool FailDeletes { get; init; }

    public bool Released { get; private set; }

    public IMessageWriter BeginMessage() => inner.BeginMessage();

    public long GetMailboxUsage(string mailbox) => inner.GetMailboxUsage(mailbox);

    public async ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken)
    {
        var session = await inner.TryOpenMailboxAsync(mailbox, cancellationToken);
        return session is null ? null : new Session(session, this);
    }

    private sealed class Session(IMailboxSession inner, FaultyMailStore owner) : IMailboxSession
    {
        public string Mailbox => inner.Mailbox;

        public int Count => inner.Count;

        public long GetSize(int index) => inner.GetSize(index);

        public long GetId(int index) => inner.GetId(index);

        public async ValueTask<int> ReadAsync(int index, long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (owner.FailReadsAfter >= 0 && offset >= owner.FailReadsAfter)
            {
                throw new IOException("bad sector");
            }

            await Task.Yield();
            var limit = owner.ReadLimit > 0 ? Math.Min(owner.ReadLimit, destination.Length) : destination.Length;
            return await inner.ReadAsync(index, offset, destination[..limit], cancellationToken);
        }

        public ValueTask CommitDeletesAsync(ReadOnlyMemory<int> indexes, CancellationToken cancellationToken) =>
            owner.FailDeletes ? throw new IOException("disk full") : inner.CommitDeletesAsync(indexes, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            owner.Released = true;
            await inner.DisposeAsync();
        }
    }
}
