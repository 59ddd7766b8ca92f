namespace FastMail.Core.Services;

/// <summary>
/// A read-only, lock-free view of mailboxes for the web interface: it never takes the POP3 mailbox lock, so a user can
/// browse while a POP3 session holds it. Deleting still goes through <see cref="IMailStore.TryOpenMailboxAsync"/>.
/// </summary>
public interface IMailboxBrowser
{
    /// <summary>
    /// Up to <paramref name="count"/> messages of <paramref name="mailbox"/> whose <see cref="MailboxPageEntry.Sequence"/> is
    /// below <paramref name="before"/> (<see cref="long.MaxValue"/>: the newest), newest first, plus the mailbox's total count.
    /// </summary>
    MailboxPage ListNewest(string mailbox, long before, int count);

    /// <summary>Copies bytes of message <paramref name="id"/> from <paramref name="offset"/>; 0 at the end. Throws <see cref="KeyNotFoundException"/> when the mailbox does not list the id.</summary>
    ValueTask<int> ReadAsync(string mailbox, long id, long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>True while a POP3 session (or other mailbox session) holds the mailbox lock.</summary>
    bool IsLocked(string mailbox);
}

/// <summary>One message as a listing shows it: its id (UIDL source), size, and its position for paging (grows with commit order).</summary>
public readonly record struct MailboxPageEntry(long Id, long Length, long Sequence);

/// <summary>A page of <see cref="IMailboxBrowser.ListNewest"/>: the entries, newest first, and how many messages the mailbox lists.</summary>
public sealed record MailboxPage(IReadOnlyList<MailboxPageEntry> Entries, int Total);
