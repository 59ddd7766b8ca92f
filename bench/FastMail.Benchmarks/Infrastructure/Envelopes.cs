using System.Text;
using FastMail.Core.Mail;

namespace FastMail.Benchmarks.Infrastructure;

/// <summary>
/// Envelopes as SMTP would store them (a sender with SIZE, one recipient per mailbox), built once per benchmark: the
/// store only reads an envelope while committing, so concurrent writers may share one.
/// </summary>
internal static class Envelopes
{
    public static Envelope For(IReadOnlyList<string> mailboxes)
    {
        var envelope = new Envelope();
        envelope.SetSender("alice@example.org"u8, default, "SIZE=2048"u8);
        foreach (var mailbox in mailboxes)
        {
            envelope.AddRecipient(Encoding.UTF8.GetBytes(mailbox), "example.com"u8, default, mailbox);
        }

        return envelope;
    }
}
