using FastMail.Core.Mail;
using FastMail.Core.Storage;

namespace FastMail.Core.Services;

/// <summary>
/// The mail store as sessions see it. Promises, which every backend keeps:
/// <list type="bullet">
/// <item>Atomicity: a message becomes visible in all its mailboxes at once, when <see cref="IMessageWriter.CommitAsync"/>
/// completes, or never (an aborted or interrupted writer leaves nothing visible: contract 2).</item>
/// <item>Durability: when <see cref="IMessageWriter.CommitAsync"/> or <see cref="IMailboxSession.CommitDeletesAsync"/>
/// completes, the change is on stable storage and survives kill -9 (contract 1).</item>
/// <item>Ordering: messages appear in a mailbox in commit order; a message's id (its UIDL) never changes and is never reused.</item>
/// <item>Exclusion: at most one <see cref="IMailboxSession"/> per mailbox at a time (the POP3 mailbox lock, contract 3).</item>
/// <item>Usage: <see cref="GetMailboxUsage"/> is the sum of the sizes of the committed messages listed in a mailbox,
/// updated when a commit or a delete completes and rebuilt at open; it is cheap (no I/O, no allocation) so the delivery
/// step may ask for it at every RCPT.</item>
/// <item>Typed failures: when the disk is (nearly) full, <see cref="BeginMessage"/>, <see cref="IMessageWriter.Write"/> and
/// <see cref="IMessageWriter.CommitAsync"/> throw <see cref="StorageFullException"/>, nothing already stored is damaged, and new
/// messages are accepted again once space returns, without a restart. Other storage faults (I/O errors, a failed log) are
/// <see cref="StorageUnavailableException"/>. Callers map these types to replies and never decode errno values.</item>
/// <item>Envelope: a committed message keeps its SMTP envelope (sender, recipients and their parameters) in the same durable
/// record, so a later step (the outbound queue) can act on it after a restart.</item>
/// </list>
/// </summary>
public interface IMailStore
{
    /// <summary>Starts a new message. The writer must be disposed; disposing an uncommitted writer aborts it.</summary>
    IMessageWriter BeginMessage();

    /// <summary>
    /// Opens and locks a mailbox, taking a snapshot of its messages. Returns null when another session holds the lock.
    /// A mailbox that never received mail opens empty.
    /// </summary>
    ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken);

    /// <summary>
    /// Bytes held by <paramref name="mailbox"/>: the sum of the sizes (as <see cref="IMailboxSession.GetSize"/> reports them)
    /// of its committed messages, 0 for a mailbox that never received mail. Used for quotas; no I/O, no allocation.
    /// </summary>
    long GetMailboxUsage(string mailbox);
}

/// <summary>Receives one message's bytes (already dot-unstuffed, CRLF line ends) in order.</summary>
public interface IMessageWriter : IDisposable
{
    /// <summary>Bytes written so far.</summary>
    long Length { get; }

    /// <summary>Appends bytes. May buffer; large messages are spilled to storage in chunks as they arrive.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>
    /// Makes the message durable and visible in every mailbox in <paramref name="mailboxes"/> (the resolved local targets,
    /// at least one; one stored copy for all), storing <paramref name="envelope"/> in the same record. Completes only after
    /// the commit covering it reached stable storage. Returns the message id. The envelope is read during the call only
    /// until the record is appended, and must not change until the returned task completes.
    /// </summary>
    ValueTask<long> CommitAsync(Envelope envelope, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken);
}

/// <summary>A locked snapshot of one mailbox, numbered 0..Count-1 (POP3 adds one).</summary>
public interface IMailboxSession : IAsyncDisposable
{
    string Mailbox { get; }

    int Count { get; }

    /// <summary>Size in octets of message <paramref name="index"/> as stored (CRLF line ends, i.e. as RETR sends it before byte-stuffing).</summary>
    long GetSize(int index);

    /// <summary>The message's unique id: stable across sessions and restarts, never reused in this mailbox.</summary>
    long GetId(int index);

    /// <summary>Copies up to destination.Length bytes of message <paramref name="index"/> starting at <paramref name="offset"/>; returns 0 at the end.</summary>
    ValueTask<int> ReadAsync(int index, long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the messages with the given indexes durably (the POP3 UPDATE state). Completes after the removal is on stable storage.
    /// Disposing without calling this removes nothing.
    /// </summary>
    ValueTask CommitDeletesAsync(ReadOnlyMemory<int> indexes, CancellationToken cancellationToken);
}
