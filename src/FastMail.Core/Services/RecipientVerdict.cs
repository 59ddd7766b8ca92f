namespace FastMail.Core.Services;

/// <summary>What the delivery step says about one RCPT TO; the SMTP session maps each to one reply.</summary>
public enum RecipientVerdict : byte
{
    /// <summary>Accepted (250 2.1.5): a local mailbox with room, or the outbound queue (the mailbox is <see cref="QueueMailbox.Name"/>).</summary>
    Local,

    /// <summary>A local domain but no such user: 550 5.1.1.</summary>
    UnknownUser,

    /// <summary>The mailbox is at its quota already: 452 4.2.2, temporary, so the sender retries once room is made.</summary>
    MailboxFull,

    /// <summary>A remote domain and the client may relay, but this delivery step has no outbound queue (tools and session tests).</summary>
    RelayUnavailable,

    /// <summary>A remote domain and the client may not relay (never an open relay).</summary>
    RelayDenied,
}
