using System.Net;
using FastMail.Core.Mail;

namespace FastMail.Core.Services;

/// <summary>
/// The delivery step as the SMTP session sees it: where each recipient goes (local mailbox, refused, later an alias or
/// the outbound queue), whether there is room, and the one store commit that makes an accepted message durable. The
/// session maps every verdict to its pre-encoded reply and knows nothing of routing, quotas or storage errors.
/// Implementations are thread-safe and answer <see cref="ResolveRecipient"/> and <see cref="CheckMessage"/> without
/// allocating: the session asks at every RCPT and at the end of every DATA.
/// </summary>
public interface IMailDelivery
{
    /// <summary>
    /// RCPT time: resolves <paramref name="localPart"/>@<paramref name="domain"/> (an empty domain is an unqualified,
    /// hence local, address) for a client at <paramref name="client"/>, authenticated as <paramref name="authenticatedUser"/>
    /// or null. On <see cref="RecipientVerdict.Local"/> <paramref name="mailbox"/> is the canonical mailbox name.
    /// </summary>
    RecipientVerdict ResolveRecipient(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, IPAddress? client, string? authenticatedUser, out string? mailbox);

    /// <summary>Starts a message in the store (see <see cref="IMailStore.BeginMessage"/>, including its failures).</summary>
    IMessageWriter BeginMessage();

    /// <summary>
    /// End of DATA, the size now known: takes out of <paramref name="envelope"/>'s targets every mailbox the message would
    /// take past its quota (logged). <see cref="MessageVerdict.Deliver"/> when some remain, and the message goes to them only;
    /// <see cref="MessageVerdict.AllMailboxesFull"/> when none does.
    /// </summary>
    MessageVerdict CheckMessage(Envelope envelope, long messageSize);

    /// <summary>
    /// Hands the store one commit of <paramref name="message"/> with <paramref name="envelope"/> and its targets. Completes
    /// when the message is durable (the session may then answer 250) with the store's message id; fails with the store's
    /// typed failures (<see cref="Storage.StorageFullException"/>, <see cref="Storage.StorageUnavailableException"/>).
    /// </summary>
    ValueTask<long> CommitAsync(Envelope envelope, IMessageWriter message, CancellationToken cancellationToken);
}
