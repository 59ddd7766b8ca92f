using FastMail.Relay.Client;

namespace FastMail.Relay.Queue;

/// <summary>One SMTP transaction to make: some recipients of one queued message, all in one destination domain.</summary>
internal sealed class DeliveryJob(QueuedItem item, string domain, IReadOnlyList<QueuedRecipient> recipients)
{
    public QueuedItem Item { get; } = item;

    public string Domain { get; } = domain;

    public IReadOnlyList<QueuedRecipient> Recipients { get; } = recipients;

    public OutboundRecipient[] ToOutbound()
    {
        var outbound = new OutboundRecipient[Recipients.Count];
        for (var i = 0; i < outbound.Length; i++)
        {
            var recipient = Recipients[i];
            outbound[i] = new OutboundRecipient(recipient.Address, recipient.Notify, recipient.OriginalRecipient);
        }

        return outbound;
    }
}
