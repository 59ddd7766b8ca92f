namespace FastMail.Storage.Index;

/// <summary>
/// A copy of every mailbox listing, the log address up to which it reflects every record (checkpoint input), and the
/// lowest log address any live message's bytes occupy (long.MaxValue if none): the log may be truncated below neither.
/// </summary>
internal sealed record IndexSnapshot(long CoveredAddress, (string Mailbox, StoredMessage[] Messages)[] Mailboxes, int LiveMessages, long LowestLiveAddress);
