using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;

namespace FastMail.Storage.Mailboxes;

/// <summary>
/// <see cref="IMailboxBrowser"/> over the index: pages read entries by sequence, newest first; a read goes through a
/// one-message view of the mailbox that does not take its lock (the same reader POP3 uses).
/// </summary>
internal sealed class MailboxBrowser(IStoreJournal journal, MailIndex index) : IMailboxBrowser
{
    public MailboxPage ListNewest(string mailbox, long before, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(mailbox);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var (entries, total) = index.ListNewest(mailbox, before, count);
        var messages = new BrowsedMessage[entries.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            var (entry, sequence) = entries[i];
            messages[i] = new BrowsedMessage(entry.Id, entry.Length, sequence);
        }

        return new MailboxPage(messages, total);
    }

    public Stream OpenRead(string mailbox, long id)
    {
        ArgumentException.ThrowIfNullOrEmpty(mailbox);
        if (!index.IsListedIn(id, mailbox) || index.Find(id) is not { } message)
        {
            throw new KeyNotFoundException($"Mailbox {mailbox} does not list message {id}.");
        }

        return new MailboxBodyStream(new MailboxSession(journal, index, mailbox, [new MailboxEntry(id, message.Length)], ownsLock: false));
    }

    public bool IsLocked(string mailbox) => index.IsLocked(mailbox);
}
