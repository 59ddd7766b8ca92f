using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.StorageProbe;

/// <summary>Commits with a plain envelope (a sender, one recipient per mailbox): the probe measures storage, not envelopes.</summary>
internal static class MessageWriterExtensions
{
    public static ValueTask<long> CommitAsync(this IMessageWriter writer, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken)
    {
        var envelope = new Envelope();
        envelope.SetSender("probe@example.org"u8, default, default);
        foreach (var mailbox in mailboxes)
        {
            envelope.AddRecipient(Encoding.UTF8.GetBytes(mailbox), "example.com"u8, default, mailbox);
        }

        return writer.CommitAsync(envelope, mailboxes, cancellationToken);
    }
}
