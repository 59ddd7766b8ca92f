namespace FastMail.Core.Services;

/// <summary>
/// Read-only, lock-free access to a mailbox for the web: a page of its newest messages and their bytes, while a POP3
/// session may hold the mailbox lock (contract 3 stays: only a lock holder deletes, so the web never changes a POP3
/// session's message numbers). A page costs reads of its own entries only, so a 100,000-message mailbox pages as fast
/// as a small one.
/// </summary>
public interface IMailboxBrowser
{
    /// <summary>
    /// Up to <paramref name="count"/> messages of <paramref name="mailbox"/> with a sequence below <paramref name="before"/>
    /// (<see cref="long.MaxValue"/>: from the newest), newest first, and how many the mailbox holds in all.
    /// </summary>
    MailboxPage ListNewest(string mailbox, long before, int count);

    /// <summary>A read stream over message <paramref name="id"/>; throws <see cref="KeyNotFoundException"/> when the mailbox does not list it.</summary>
    Stream OpenRead(string mailbox, long id);

    /// <summary>True while a session (POP3) holds the mailbox lock: deletes must wait.</summary>
    bool IsLocked(string mailbox);
}

/// <param name="Sequence">The message's position in its mailbox (commit order); pass the last one shown as the next page's "before".</param>
public readonly record struct BrowsedMessage(long Id, long Length, long Sequence);

public sealed record MailboxPage(IReadOnlyList<BrowsedMessage> Messages, long Total);
