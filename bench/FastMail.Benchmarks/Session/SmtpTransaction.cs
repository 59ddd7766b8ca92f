using System.Runtime.CompilerServices;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Delivery;
using FastMail.Smtp;
using Microsoft.Extensions.Logging.Abstractions;
using static FastMail.Benchmarks.Session.LockstepClient;

namespace FastMail.Benchmarks.Session;

/// <summary>One mail transaction as a client sends it: MAIL FROM, RCPT TO, DATA, the dot-stuffed text and its terminator.</summary>
internal sealed class SmtpTransaction(LockstepClient client, string recipient, int messageSize)
{
    private static readonly ReadOnlyMemory<byte> MailFrom = Commands.Line("MAIL FROM:<alice@example.org> SIZE=2048");
    private static readonly ReadOnlyMemory<byte> Data = Commands.Line("DATA");

    private readonly ReadOnlyMemory<byte> _rcptTo = Commands.Line($"RCPT TO:<{recipient}@{MailServerFixture.Domain}>");
    private readonly byte[] _stored = SampleMessages.Stored(messageSize);
    private readonly ReadOnlyMemory<byte> _text = SampleMessages.DotStuffed(SampleMessages.Stored(messageSize));

    public static SmtpSessionHandler CreateHandler(MailServerFixture server) =>
        new(new SmtpOptions { HostName = "bench.fastmail.test" }, server.Directory, new MailDelivery(server.Directory, server.Directory, server.Store, NullLogger.Instance), NullLogger.Instance);

    /// <summary>Sends the transaction; completes when the 250 after the text arrived (the message is durable).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync()
    {
        await client.SendAsync(MailFrom, Reply.Smtp, (byte)'2');
        await client.SendAsync(_rcptTo, Reply.Smtp, (byte)'2');
        await client.SendAsync(Data, Reply.Smtp, (byte)'3');
        await client.SendAsync(_text, Reply.Smtp, (byte)'2');
    }

    /// <summary>Checks that the recipient's mailbox holds <paramref name="expectedMessages"/> messages ending with the text sent.</summary>
    public void VerifyDelivered(MailServerFixture server, int expectedMessages)
    {
        var mailbox = server.Store.TryOpenMailboxAsync(recipient, CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("The mailbox is locked.");
        try
        {
            if (mailbox.Count != expectedMessages)
            {
                throw new InvalidOperationException($"The mailbox holds {mailbox.Count} messages, expected {expectedMessages}.");
            }

            // The stored copy starts with the trace headers the session adds, then the message exactly as sent.
            var size = mailbox.GetSize(0);
            var content = new byte[size];
            var read = mailbox.ReadAsync(0, 0, content, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (read != size || !content.AsSpan().EndsWith(_stored))
            {
                throw new InvalidOperationException("The stored message does not end with the text that was sent.");
            }
        }
        finally
        {
            mailbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
