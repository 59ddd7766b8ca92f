using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.Tests.Smtp;

/// <summary>Wraps a store to count writers begun, committed and disposed, and to inject storage failures.</summary>
internal sealed class RecordingMailStore(IMailStore inner) : IMailStore
{
    private int _begun;
    private int _disposed;

    public int Begun => Volatile.Read(ref _begun);

    public int Disposed => Volatile.Read(ref _disposed);

    /// <summary>When set, CommitAsync throws this instead of committing.</summary>
    public Exception? CommitFailure { get; set; }

    /// <summary>When set, Write throws once the message passes this many bytes.</summary>
    public long? WriteFailureAfter { get; set; }

    /// <summary>When set, BeginMessage throws this (the store refuses a new message, e.g. the disk is full).</summary>
    public Exception? BeginFailure { get; set; }

    /// <summary>Per committed message, every recipient as "address parameters" (the RCPT parameters as stored, RFC 3461).</summary>
    public List<string[]> CommittedRecipients { get; } = [];

    /// <summary>Per committed message, the MAIL FROM parameters as stored.</summary>
    public List<string> CommittedSenderParameters { get; } = [];

    public IMessageWriter BeginMessage()
    {
        if (BeginFailure is { } failure)
        {
            throw failure;
        }

        Interlocked.Increment(ref _begun);
        return new Writer(this, inner.BeginMessage());
    }

    public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken) =>
        inner.TryOpenMailboxAsync(mailbox, cancellationToken);

    public long GetMailboxUsage(string mailbox) => inner.GetMailboxUsage(mailbox);

    private sealed class Writer(RecordingMailStore owner, IMessageWriter inner) : IMessageWriter
    {
        public long Length => inner.Length;

        public void Write(ReadOnlySpan<byte> data)
        {
            if (inner.Length + data.Length > owner.WriteFailureAfter)
            {
                throw new IOException("disk full");
            }

            inner.Write(data);
        }

        public ValueTask<long> CommitAsync(Envelope envelope, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken)
        {
            if (owner.CommitFailure is { } failure)
            {
                return ValueTask.FromException<long>(failure);
            }

            var recipients = new string[envelope.RecipientCount];
            for (var i = 0; i < recipients.Length; i++)
            {
                var recipient = envelope[i];
                recipients[i] = System.Text.Encoding.ASCII.GetString(recipient.Address) + " " + System.Text.Encoding.ASCII.GetString(recipient.Parameters);
            }

            lock (owner.CommittedRecipients)
            {
                owner.CommittedRecipients.Add(recipients);
                owner.CommittedSenderParameters.Add(System.Text.Encoding.ASCII.GetString(envelope.SenderParameters));
            }

            return inner.CommitAsync(envelope, mailboxes, cancellationToken);
        }

        public void Dispose()
        {
            Interlocked.Increment(ref owner._disposed);
            inner.Dispose();
        }
    }
}
