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
public sealed class MailDelivery : IMailDelivery, IMailSubmission
{
    private readonly IDirectory _directory;
    private readonly IMailStore _store;
    private readonly ILogger _logger;
    private readonly RecipientRouter _router;
    private readonly MailboxQuotas _quotas;
    private readonly bool _hasQueue;
    private IOutboundQueue? _outbound;
    private long _commits;

    /// <param name="hasOutboundQueue">
    /// True when the server relays: remote recipients of clients that may relay are queued (<see cref="AttachQueue"/> names
    /// the queue to tell). False: they get "relay unavailable" (session tests and tools without a queue).
    /// </param>
    public MailDelivery(IDirectory directory, IRelayPolicy relayPolicy, IMailStore store, ILogger logger, bool hasOutboundQueue = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(relayPolicy);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = directory;
        _hasQueue = hasOutboundQueue;
        _store = store;
        _logger = logger;
        _quotas = new MailboxQuotas(directory, store);
        _router = new RecipientRouter(directory, relayPolicy, _quotas, hasOutboundQueue);
    }

    /// <summary>Messages handed to the store since start (a commit that then fails counts too: rare), for the status page.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>The queue told of every commit that lists the queue mailbox (the queue and the delivery step refer to each other).</summary>
    public void AttachQueue(IOutboundQueue queue) => _outbound = queue;

    /// <inheritdoc />
    public RecipientVerdict ResolveRecipient(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, IPAddress? client, string? authenticatedUser, out string? mailbox) =>
        _router.Resolve(localPart, domain, client, authenticatedUser, out mailbox);

    /// <inheritdoc />
    public IMessageWriter BeginMessage() => _store.BeginMessage();

    /// <inheritdoc />
    public MessageVerdict CheckMessage(Envelope envelope, long messageSize)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        AliasTargets.Expand(envelope, _directory, _hasQueue);
        var targets = envelope.Targets;
        for (var i = targets.Count - 1; i >= 0; i--)
        {
            var mailbox = targets[i];
            if (!ReferenceEquals(mailbox, QueueMailbox.Name) && _quotas.WouldExceed(mailbox, messageSize, out var usage, out var quota))
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

        // Remote recipients are a target too (the queue mailbox), so one durable record covers the whole message: "250"
        // means delivered locally and queued. Not an async method for local mail: the caller awaits the store's task itself,
        // and a local message costs no extra state machine.
        Interlocked.Increment(ref _commits);
        var commit = message.CommitAsync(envelope, envelope.Targets, cancellationToken);
        return _outbound is { } outbound && IsQueued(envelope) ? TellQueueAsync(commit, outbound) : commit;
    }

    /// <inheritdoc />
    public async ValueTask<long> SubmitAsync(string sender, string recipient, ReadOnlyMemory<byte> message, bool eightBit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        var envelope = new Envelope();
        envelope.SetSender(System.Text.Encoding.UTF8.GetBytes(sender), default, eightBit ? "BODY=8BITMIME"u8 : default);
        var address = System.Text.Encoding.UTF8.GetBytes(recipient);
        MailAddressParser.Split(address, out var local, out var domain);
        string? mailbox;
        if (domain.IsEmpty || _directory.IsLocalDomain(domain))
        {
            // Over quota or not: a notification about the owner's own mail is not held back by the quota.
            if (!_directory.TryFindMailbox(local, domain, out mailbox) && !(System.Text.Ascii.EqualsIgnoreCase(local, "postmaster"u8) && _directory.TryFindPostmaster(out mailbox)))
            {
                DeliveryLog.NotificationUndeliverable(_logger, recipient);
                return -1;
            }
        }
        else
        {
            mailbox = QueueMailbox.Name;
        }

        envelope.AddRecipient(address, default, default, mailbox);
        using var writer = _store.BeginMessage();
        writer.Write(message.Span);
        return await CommitAsync(envelope, writer, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsQueued(Envelope envelope)
    {
        foreach (var target in envelope.Targets)
        {
            if (ReferenceEquals(target, QueueMailbox.Name))
            {
                return true;
            }
        }

        return false;
    }

    private static async ValueTask<long> TellQueueAsync(ValueTask<long> commit, IOutboundQueue outbound)
    {
        var id = await commit.ConfigureAwait(false);
        outbound.Enqueued(id);
        return id;
    }
}
