using System.Net;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Delivery.Logging;
using FastMail.Delivery.Quota;
using FastMail.Delivery.Routing;
using Microsoft.Extensions.Logging;

namespace FastMail.Delivery;

/// <summary>
/// The delivery step: resolves each recipient (<see cref="RecipientRouter"/>), applies quotas at RCPT and once the
/// message size is known (<see cref="MailboxQuotas"/>), and hands the store one commit carrying the envelope and the local
/// targets. One instance per server, shared by every SMTP listener; thread-safe, and allocation-free on the per-command path.
/// </summary>
public sealed class MailDelivery : IMailDelivery
{
    private readonly IMailStore _store;
    private readonly ILogger _logger;
    private readonly RecipientRouter _router;
    private readonly MailboxQuotas _quotas;

    public MailDelivery(IDirectory directory, IRelayPolicy relayPolicy, IMailStore store, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(relayPolicy);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
        _quotas = new MailboxQuotas(directory, store);
        _router = new RecipientRouter(directory, relayPolicy, _quotas);
    }

    /// <inheritdoc />
    public RecipientVerdict ResolveRecipient(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, IPAddress? client, string? authenticatedUser, out string? mailbox) =>
        _router.Resolve(localPart, domain, client, authenticatedUser, out mailbox);

    /// <inheritdoc />
    public IMessageWriter BeginMessage() => _store.BeginMessage();

    /// <inheritdoc />
    public MessageVerdict CheckMessage(Envelope envelope, long messageSize)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var targets = envelope.Targets;
        for (var i = targets.Count - 1; i >= 0; i--)
        {
            var mailbox = targets[i];
            if (_quotas.WouldExceed(mailbox, messageSize, out var usage, out var quota))
            {
                // SMTP has one reply per DATA; per-recipient status after DATA needs LMTP (RFC 2033). So the message goes
                // to the mailboxes with room, and the ones left out are logged.
                DeliveryLog.OverQuota(_logger, envelope.QueueId, mailbox, usage, messageSize, quota);
                envelope.RemoveTargetAt(i);
            }
        }

        return targets.Count > 0 ? MessageVerdict.Deliver : MessageVerdict.AllMailboxesFull;
    }

    /// <inheritdoc />
    public ValueTask<long> CommitAsync(Envelope envelope, IMessageWriter message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(message);

        // Local targets only today. The outbound queue adds its entries for remote recipients to this same commit, so one
        // durable record covers the whole message. Not an async method: the caller awaits the store's task itself, and a
        // message costs no extra state machine.
        return message.CommitAsync(envelope, envelope.Targets, cancellationToken);
    }
}
