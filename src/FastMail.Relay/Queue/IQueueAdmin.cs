namespace FastMail.Relay.Queue;

/// <summary>What an operator can do with the outbound queue (`fastmail queue ...`, later the web admin).</summary>
public interface IQueueAdmin
{
    /// <summary>Every queued message, oldest first.</summary>
    IReadOnlyList<QueuedMessageInfo> List();

    /// <summary>One message, or null when no queued message has that id.</summary>
    QueuedMessageInfo? Find(long id);

    /// <summary>Makes the message (or every message when null) due now; returns how many were rescheduled.</summary>
    int RetryNow(long? id);

    /// <summary>Removes the message from the queue durably, without a bounce; false when no queued message has that id.</summary>
    ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken);
}

/// <param name="Id">The store's message id (the queue id shown in logs).</param>
/// <param name="Sender">The envelope sender; empty for the null reverse-path.</param>
/// <param name="Size">Octets as stored.</param>
/// <param name="Arrived">When the message was accepted.</param>
public sealed record QueuedMessageInfo(long Id, string Sender, long Size, DateTimeOffset Arrived, IReadOnlyList<QueuedRecipientInfo> Recipients);

/// <param name="State">Pending (will be tried), Delivered, or Bounced (given up, a DSN was sent).</param>
/// <param name="LastReply">The last reply or failure text of the next hop; null before the first attempt.</param>
public sealed record QueuedRecipientInfo(string Address, QueuedRecipientState State, int Attempts, DateTimeOffset NextAttempt, string? LastReply);

public enum QueuedRecipientState : byte
{
    Pending,
    Delivered,
    Bounced,
}
