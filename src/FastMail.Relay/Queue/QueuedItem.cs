using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.Relay.Queue;

/// <summary>
/// One queued message in memory: what the SMTP client needs from its envelope and every remote recipient's state. The
/// body stays in the store and is streamed from there per attempt. Lock the item to read or change recipient state.
/// </summary>
internal sealed class QueuedItem
{
    private QueuedItem(long id, long length, string sender, EnvelopeOptions options, DateTimeOffset arrived, List<QueuedRecipient> recipients)
    {
        Id = id;
        Length = length;
        Sender = sender;
        Options = options;
        Arrived = arrived;
        Recipients = recipients;
    }

    public long Id { get; }

    public long Length { get; }

    /// <summary>The envelope sender; empty for the null reverse-path (a bounce), which never gets a DSN.</summary>
    public string Sender { get; }

    public EnvelopeOptions Options { get; }

    public DateTimeOffset Arrived { get; }

    public List<QueuedRecipient> Recipients { get; }

    /// <summary>Set when an operator deleted the message while a job was under way; its results are then dropped.</summary>
    public bool Deleted { get; set; }

    /// <summary>Delivery jobs of the current round still running; the round is settled when it drops to 0.</summary>
    public int JobsRunning { get; set; }

    /// <summary>
    /// Builds the item from the stored message: the saved state when there is one, else every recipient of the envelope
    /// outside the local domains, due now.
    /// </summary>
    public static QueuedItem From(QueuedMessage message, IDirectory directory, DateTimeOffset now)
    {
        var envelope = message.Envelope;
        var sender = System.Text.Encoding.UTF8.GetString(envelope.Sender);
        var options = EnvelopeOptions.Parse(envelope.SenderParameters);
        if (message.State is { } state)
        {
            var recipients = QueueStateFormat.Read(state, out var arrived);
            return new QueuedItem(message.Id, message.Length, sender, options, arrived, recipients);
        }

        var remote = new List<QueuedRecipient>();
        for (var i = 0; i < envelope.RecipientCount; i++)
        {
            var recipient = envelope[i];
            MailAddressParser.Split(recipient.Address, out _, out var domain);
            if (domain.IsEmpty || directory.IsLocalDomain(domain))
            {
                continue;
            }

            var address = System.Text.Encoding.UTF8.GetString(recipient.Address);
            if (remote.Exists(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            EnvelopeOptions.ParseRecipient(recipient.Parameters, out var notify, out var original);
            remote.Add(new QueuedRecipient(address, notify, original) { NextAttempt = now });
        }

        return new QueuedItem(message.Id, message.Length, sender, options, now, remote);
    }

    public QueuedMessageInfo ToInfo()
    {
        lock (this)
        {
            return new QueuedMessageInfo(Id, Sender, Length, Arrived, Recipients.ConvertAll(r => r.ToInfo()));
        }
    }
}
