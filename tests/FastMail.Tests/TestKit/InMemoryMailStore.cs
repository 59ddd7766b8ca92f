using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.Tests.TestKit;

/// <summary>An <see cref="IMailStore"/> in memory for session tests; keeps the same promises minus durability.</summary>
internal sealed class InMemoryMailStore : IMailStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<StoredMessage>> _mailboxes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);
    private long _nextId = 1;

    public int CommitCount { get; private set; }

    /// <summary>The envelope of every commit, copied as text, in commit order.</summary>
    public List<CommittedEnvelope> Envelopes { get; } = [];

    public void Add(string mailbox, string content)
    {
        lock (_gate)
        {
            GetOrCreate(mailbox).Add(new StoredMessage(_nextId++, System.Text.Encoding.Latin1.GetBytes(content)));
        }
    }

    public IReadOnlyList<byte[]> Messages(string mailbox)
    {
        lock (_gate)
        {
            return _mailboxes.TryGetValue(mailbox, out var list) ? list.Select(m => m.Content).ToList() : [];
        }
    }

    public IMessageWriter BeginMessage() => new Writer(this);

    public long GetMailboxUsage(string mailbox)
    {
        lock (_gate)
        {
            return _mailboxes.TryGetValue(mailbox, out var list) ? list.Sum(m => (long)m.Content.Length) : 0;
        }
    }

    public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_locked.Add(mailbox))
            {
                return ValueTask.FromResult<IMailboxSession?>(null);
            }

            return ValueTask.FromResult<IMailboxSession?>(new Session(this, mailbox, GetOrCreate(mailbox).ToArray()));
        }
    }

    private List<StoredMessage> GetOrCreate(string mailbox)
    {
        if (!_mailboxes.TryGetValue(mailbox, out var list))
        {
            list = [];
            _mailboxes[mailbox] = list;
        }

        return list;
    }

    private sealed record StoredMessage(long Id, byte[] Content);

    internal sealed record CommittedEnvelope(string Sender, string SenderParameters, IReadOnlyList<string> Recipients, IReadOnlyList<string> Mailboxes);

    private sealed class Writer(InMemoryMailStore store) : IMessageWriter
    {
        private readonly MemoryStream _buffer = new();

        public long Length => _buffer.Length;

        public void Write(ReadOnlySpan<byte> data) => _buffer.Write(data);

        public ValueTask<long> CommitAsync(Envelope envelope, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken)
        {
            lock (store._gate)
            {
                var recipients = new List<string>();
                for (var i = 0; i < envelope.RecipientCount; i++)
                {
                    recipients.Add(Encoding.UTF8.GetString(envelope[i].Address));
                }

                store.Envelopes.Add(new CommittedEnvelope(
                    Encoding.UTF8.GetString(envelope.Sender), Encoding.UTF8.GetString(envelope.SenderParameters), recipients, [.. mailboxes]));
                var id = store._nextId++;
                var content = _buffer.ToArray();
                foreach (var mailbox in mailboxes)
                {
                    store.GetOrCreate(mailbox).Add(new StoredMessage(id, content));
                }

                store.CommitCount++;
                return ValueTask.FromResult(id);
            }
        }

        public void Dispose() => _buffer.Dispose();
    }

    private sealed class Session(InMemoryMailStore store, string mailbox, StoredMessage[] snapshot) : IMailboxSession
    {
        public string Mailbox => mailbox;

        public int Count => snapshot.Length;

        public long GetSize(int index) => snapshot[index].Content.Length;

        public long GetId(int index) => snapshot[index].Id;

        public ValueTask<int> ReadAsync(int index, long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            var content = snapshot[index].Content;
            var count = (int)Math.Min(destination.Length, content.Length - offset);
            content.AsSpan((int)offset, count).CopyTo(destination.Span);
            return ValueTask.FromResult(count);
        }

        public ValueTask CommitDeletesAsync(ReadOnlyMemory<int> indexes, CancellationToken cancellationToken)
        {
            lock (store._gate)
            {
                var ids = new HashSet<long>();
                foreach (var index in indexes.Span)
                {
                    ids.Add(snapshot[index].Id);
                }

                store.GetOrCreate(mailbox).RemoveAll(m => ids.Contains(m.Id));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            lock (store._gate)
            {
                store._locked.Remove(mailbox);
            }

            return ValueTask.CompletedTask;
        }
    }
}
