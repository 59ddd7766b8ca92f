namespace FastMail.Storage.Index;

/// <summary>One message as a mailbox lists it: its id (the UIDL's source) and size, all POP3 needs before a RETR.</summary>
internal readonly record struct MailboxEntry(long Id, long Length);
