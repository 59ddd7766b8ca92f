using FastMail.Core.Mail;

namespace FastMail.Core.Services;

/// <summary>
/// The store as the outbound queue sees it. A message for remote recipients is committed like any other, listed in the
/// queue mailbox (<see cref="QueueMailbox"/>) in the same durable record as its envelope, so "250" means queued. The
/// queue's per-recipient state (attempts, next attempt, last reply) is saved beside it by later records, and the message
/// leaves the queue by a durable delete from that mailbox.
/// </summary>
public interface IQueueStore
{
    /// <summary>Ids of the queued messages, oldest first.</summary>
    IReadOnlyList<long> ListQueued();

    /// <summary>The queued message with <paramref name="id"/> (envelope, size, saved state) or null when it is not queued.</summary>
    ValueTask<QueuedMessage?> ReadQueuedAsync(long id, CancellationToken cancellationToken);

    /// <summary>A read-only stream over the body of queued message <paramref name="id"/> (as stored: CRLF, not dot-stuffed); the caller disposes it.</summary>
    Stream OpenBody(long id);

    /// <summary>Replaces the message's saved delivery state durably (completes after the commit).</summary>
    ValueTask SaveStateAsync(long id, ReadOnlyMemory<byte> state, CancellationToken cancellationToken);

    /// <summary>Takes the message out of the queue durably, with its state; false when it was not queued.</summary>
    ValueTask<bool> RemoveAsync(long id, CancellationToken cancellationToken);
}

/// <summary>The internal mailbox that lists queued mail; no account can have this name (it starts with "@").</summary>
public static class QueueMailbox
{
    public const string Name = "@queue";
}

/// <param name="State">The state saved by <see cref="IQueueStore.SaveStateAsync"/>, or null before the first save.</param>
public sealed record QueuedMessage(long Id, long Length, Envelope Envelope, byte[]? State);
