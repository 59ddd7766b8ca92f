using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.Tests.TestKit;

/// <summary>Commits for tests that care about mailboxes, not envelopes: a sender and one recipient per mailbox.</summary>
internal static class MessageWriterExtensions
{
    public static ValueTask<long> CommitAsync(this IMessageWriter writer, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken)
    {
        var envelope = new Envelope();
        envelope.SetSender("sender@example.net"u8, default, default);
        foreach (var mailbox in mailboxes)
        {
            envelope.AddRecipient(Encoding.UTF8.GetBytes(mailbox), "example.com"u8, default, mailbox);
        }

        return writer.CommitAsync(envelope, mailboxes, cancellationToken);
    }
}
