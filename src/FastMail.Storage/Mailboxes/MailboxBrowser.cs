using FastMail.Core.Services;
using FastMail.Storage.Index;

namespace FastMail.Storage.Mailboxes;

/// <summary>
/// The web interface's lock-free view of a mailbox (<see cref="IMailboxBrowser"/>): lists from the index without the
/// mailbox lock and reads through a lock-less <see cref="MailboxSession"/> over the one message. Sequence is the
/// message id, which grows with commit order. Listing reads the mailbox's whole entry list (one index scan) and slices it.
/// </summary>
public sealed class MailboxBrowser : IMailboxBrowser
{
    private readonly FasterMailStore _store;

    public MailboxBrowser(FasterMailStore store) => _store = store;

    public MailboxPage ListNewest(string mailbox, long before, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(mailbox);
        var all = _store.Index.ListUnlocked(mailbox);
        var end = all.Length;
        while (end > 0 && all[end - 1].Id >= before)
        {
            end--;
        }

        var page = new List<MailboxPageEntry>(Math.Clamp(count, 0, end));
        for (var i = end - 1; i >= 0 && page.Count < count; i--)
        {
            page.Add(new MailboxPageEntry(all[i].Id, all[i].Length, all[i].Id));
        }

        return new MailboxPage(page, all.Length);
    }

    public async ValueTask<int> ReadAsync(string mailbox, long id, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mailbox);
        if (!_store.Index.IsListedIn(id, mailbox) || _store.Index.Find(id) is not { } message)
        {
            throw new KeyNotFoundException($"Mailbox {mailbox} does not list message {id}.");
        }

        await using var view = new MailboxSession(_store.Journal, _store.Index, mailbox, [new MailboxEntry(id, message.Length)], ownsLock: false);
        return await view.ReadAsync(0, offset, destination, cancellationToken).ConfigureAwait(false);
    }

    public bool IsLocked(string mailbox) => _store.Index.IsLocked(mailbox);
}
