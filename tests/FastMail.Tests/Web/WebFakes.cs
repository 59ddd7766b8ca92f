using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using FastMail.Accounts;
using FastMail.Core.Services;
using FastMail.Web;

namespace FastMail.Tests.Web;

/// <summary>An in-memory mailbox store for web tests: lock-free browsing plus the POP3 lock, as FasterMailStore behaves.</summary>
internal sealed class FakeMailStore : IMailStore, IMailboxBrowser
{
    private readonly ConcurrentDictionary<string, List<(long Id, byte[] Data)>> _mailboxes = new();
    private readonly ConcurrentDictionary<string, bool> _locked = new();
    private long _nextId;

    public long Add(string mailbox, string message)
    {
        var id = Interlocked.Increment(ref _nextId);
        var list = _mailboxes.GetOrAdd(mailbox, _ => []);
        lock (list)
        {
            list.Add((id, Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n"))));
        }

        return id;
    }

    public void Lock(string mailbox) => _locked[mailbox] = true;

    public void Unlock(string mailbox) => _locked.TryRemove(mailbox, out _);

    public MailboxPage ListNewest(string mailbox, long before, int count)
    {
        var list = Snapshot(mailbox);
        var page = list.Where(m => m.Id < before).OrderByDescending(m => m.Id).Take(count).Select(m => new BrowsedMessage(m.Id, m.Data.Length, m.Id)).ToList();
        return new MailboxPage(page, list.Count);
    }

    public Stream OpenRead(string mailbox, long id) =>
        new MemoryStream(Snapshot(mailbox).FirstOrDefault(m => m.Id == id).Data ?? throw new KeyNotFoundException(), writable: false);

    private ValueTask<int> ReadAsync(string mailbox, long id, long offset, Memory<byte> destination)
    {
        var data = Snapshot(mailbox).FirstOrDefault(m => m.Id == id).Data ?? throw new KeyNotFoundException();
        var count = (int)Math.Max(0, Math.Min(destination.Length, data.Length - offset));
        data.AsSpan((int)offset, count).CopyTo(destination.Span);
        return ValueTask.FromResult(count);
    }

    public bool IsLocked(string mailbox) => _locked.ContainsKey(mailbox);

    public IMessageWriter BeginMessage() => throw new NotSupportedException();

    public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken)
    {
        if (!_locked.TryAdd(mailbox, true))
        {
            return ValueTask.FromResult<IMailboxSession?>(null);
        }

        return ValueTask.FromResult<IMailboxSession?>(new Session(this, mailbox, Snapshot(mailbox)));
    }

    public long GetMailboxUsage(string mailbox) => Snapshot(mailbox).Sum(m => (long)m.Data.Length);

    private List<(long Id, byte[] Data)> Snapshot(string mailbox)
    {
        if (!_mailboxes.TryGetValue(mailbox, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    private sealed class Session(FakeMailStore store, string mailbox, List<(long Id, byte[] Data)> snapshot) : IMailboxSession
    {
        public string Mailbox => mailbox;

        public int Count => snapshot.Count;

        public long GetSize(int index) => snapshot[index].Data.Length;

        public long GetId(int index) => snapshot[index].Id;

        public ValueTask<int> ReadAsync(int index, long offset, Memory<byte> destination, CancellationToken cancellationToken) =>
            store.ReadAsync(mailbox, snapshot[index].Id, offset, destination);

        public ValueTask CommitDeletesAsync(ReadOnlyMemory<int> indexes, CancellationToken cancellationToken)
        {
            var ids = indexes.ToArray().Select(i => snapshot[i].Id).ToHashSet();
            var list = store._mailboxes[mailbox];
            lock (list)
            {
                list.RemoveAll(m => ids.Contains(m.Id));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            store.Unlock(mailbox);
            return ValueTask.CompletedTask;
        }
    }
}

internal sealed class FakeAccounts : IWebAccounts
{
    public Dictionary<string, string> Passwords { get; } = new(StringComparer.OrdinalIgnoreCase) { ["motriles"] = "jose", ["root"] = "toor" };

    public HashSet<string> Admins { get; } = new(StringComparer.OrdinalIgnoreCase) { "root" };

    public int Checks { get; private set; }

    public ValueTask<string?> AuthenticateAsync(string user, string password, CancellationToken ct)
    {
        Checks++;
        return ValueTask.FromResult(Passwords.TryGetValue(user, out var right) && right == password ? user.ToLowerInvariant() : null);
    }

    public bool IsAdmin(string user) => Admins.Contains(user);

    public AdminResult ChangePassword(string user, string newPassword)
    {
        Passwords[user] = newPassword;
        return AdminResult.Ok("changed");
    }
}

internal sealed class FakeThrottle : IAuthThrottle
{
    public bool Refuse { get; set; }

    public List<(IPAddress? Address, string? Account)> Begun { get; } = [];

    public List<bool> Completed { get; } = [];

    public ValueTask<LoginAttempt> BeginAsync(IPAddress? address, string? account, CancellationToken cancellationToken)
    {
        Begun.Add((address, account));
        return ValueTask.FromResult(new LoginAttempt(!Refuse, address, account));
    }

    public void Complete(in LoginAttempt attempt, bool succeeded) => Completed.Add(succeeded);
}

internal sealed class FakeSubmission(FakeMailStore store) : IMailSubmission
{
    public List<(string Sender, string Recipient, string Message)> Submitted { get; } = [];

    public ValueTask<long> SubmitAsync(string sender, string recipient, ReadOnlyMemory<byte> message, bool eightBit, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(message.Span);
        Submitted.Add((sender, recipient, text));
        var local = recipient.Split('@')[0];
        return ValueTask.FromResult(local is "motriles" or "root" ? store.Add(local, text) : -1L);
    }
}

internal sealed class FakeDirectory : IDirectory
{
    public string PrimaryDomain => "fastmail.test";

    public bool IsLocalDomain(ReadOnlySpan<byte> domain) => domain.SequenceEqual("fastmail.test"u8);

    public bool TryFindMailbox(ReadOnlySpan<byte> localPart, [NotNullWhen(true)] out string? mailbox)
    {
        mailbox = Encoding.ASCII.GetString(localPart);
        return true;
    }

    public bool TryFindPostmaster([NotNullWhen(true)] out string? mailbox)
    {
        mailbox = "root";
        return true;
    }

    public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    public bool TryApop(ReadOnlySpan<byte> user, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> digestHex, [NotNullWhen(true)] out string? mailbox)
    {
        mailbox = null;
        return false;
    }

    public long GetQuota(string mailbox) => 0;
}
