using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Delivery;
using FastMail.Smtp;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Smtp;

/// <summary>
/// DESIGN hot-path rule: no allocation per command in steady state. With inline pipe schedulers the session runs
/// synchronously inside the client's flush, on the test thread, so the thread's allocation counter sees all of it.
/// </summary>
public sealed class SmtpAllocationTests
{
    [Theory]
    [InlineData("EHLO client.example.net\r\nMAIL FROM:<a@example.net> SIZE=1000 BODY=8BITMIME\r\nRCPT TO:<bob@example.com>\r\nRCPT TO: bob\r\nRCPT TO:<x@elsewhere.net>\r\nVRFY bob\r\nBOGUS\r\nHELP\r\nRSET\r\nNOOP\r\n", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n554 5.7.1 <x@elsewhere.net>: Relay access denied\r\n252 2.5.2 ")]
    [InlineData("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: hi\r\n\r\nhello\r\n..dot\r\n.\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as ")]
    [InlineData("MAIL FROM:<a@example.net> RET=HDRS ENVID=QQ+2B1\r\nRCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.com\r\nBDAT 13\r\nSubject: hi\r\nBDAT 7 LAST\r\n\r\nhello", "250 2.1.5 Ok\r\n250 2.0.0 13 octets received\r\n250 2.0.0 Ok: queued as ")]
    [InlineData("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nBDAT 3\r\nabcDATA\r\nRSET\r\nBDAT 4 LAST\r\nwxyz", "250 2.0.0 3 octets received\r\n503 5.5.1 Error: DATA not allowed after BDAT\r\n250 2.0.0 Ok\r\n503 5.5.1 Error: need MAIL command\r\n")]
    [InlineData("NOOP\r\n", "250 2.0.0 Ok\r\n")]
    [InlineData("BOGUS\r\n", "500 5.5.1 Error: command not recognized\r\n")]
    [InlineData("EHLO x\r\n", "250 HELP\r\n")]
    [InlineData("MAIL FROM:<a@example.net>\r\nRSET\r\n", "250 2.1.0 Ok\r\n250 2.0.0 Ok\r\n")]
    [InlineData("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nRSET\r\n", "250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n")]
    [InlineData("MAIL FROM:<a@example.net>\r\nRCPT TO:<x@elsewhere.net>\r\nRSET\r\n", "554 5.7.1 <x@elsewhere.net>: Relay access denied\r\n250 2.0.0 Ok\r\n")]
    public Task SteadyStateSessionAllocatesNothingPerCommandOrMessage(string text, string expectedReplies) =>
        AssertNoSteadyStateAllocations(text, expectedReplies, security: null);

    [Theory]
    [InlineData("EHLO client.example.net\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nRSET\r\n", "250-AUTH PLAIN LOGIN SCRAM-SHA-256\r\n")]
    [InlineData("MAIL FROM:<bob@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\n", "250 2.0.0 Ok: queued as ")]
    public Task SteadyStateWithAuthOfferedAllocatesNothingEither(string text, string expectedReplies) =>
        AssertNoSteadyStateAllocations(text, expectedReplies, SmtpAuthKit.Security());

    [Theory]
    [InlineData("EHLO client.example.net\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<x@elsewhere.net>\r\nBOGUS\r\nRSET\r\n", "554 5.7.1 <x@elsewhere.net>: Relay access denied\r\n500 5.5.1 ")]
    [InlineData("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\n", "250 2.0.0 Ok: queued as ")]
    public async Task SteadyStateWithMetricsCollectedAllocatesNothingEither(string text, string expectedReplies)
    {
        using var metrics = new FastMail.Core.Diagnostics.MailMetrics();
        using var collector = new FastMail.Core.Diagnostics.Metrics.MetricsCollector(metrics);
        await AssertNoSteadyStateAllocations(text, expectedReplies, new SmtpSecurity { Metrics = metrics });
        Assert.NotEqual(0, collector.Read("fastmail.commands").Sum(c => c.Value));
    }

    private static async Task AssertNoSteadyStateAllocations(string text, string expectedReplies, SmtpSecurity? security)
    {
        var batch = System.Text.Encoding.ASCII.GetBytes(text);
        var inline = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var toServer = new Pipe(inline);
        var toClient = new Pipe(inline);
        var directory = new ZeroAllocationDirectory();
        var handler = new SmtpSessionHandler(
            new SmtpOptions { HostName = "mx.example.com", MaxErrors = int.MaxValue, LocalSenderPolicy = LocalSenderPolicy.AcceptAndMark },
            directory,
            new MailDelivery(directory, directory, new DiscardingStore(), NullLogger.Instance),
            NullLogger.Instance,
            security: security);
        var session = handler.RunAsync(new Connection(toServer.Reader, toClient.Writer), new IPEndPoint(IPAddress.Loopback, 2525), default);

        var replies = 0L;
        for (var i = 0; i < 200; i++)
        {
            await toServer.Writer.WriteAsync(batch);
            replies += TakeReplies(toClient.Reader);
        }

        // From here every round runs synchronously on the measuring thread (the awaits above may have resumed on another
        // pool thread), and one round comes first: a thread's first ArrayPool rent makes its per-thread buckets (1,544 B,
        // seen once in CI), which is not the session's doing.
        replies += SendSynchronously(toServer.Writer, toClient.Reader, batch);
        var allocated = AllocationCount.FewestOf3(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                replies += SendSynchronously(toServer.Writer, toClient.Reader, batch);
            }
        });

        await toServer.Writer.WriteAsync(batch);
        Assert.True(toClient.Reader.TryRead(out var last));
        Assert.Contains(expectedReplies, System.Text.Encoding.Latin1.GetString(last.Buffer.ToArray()), StringComparison.Ordinal);
        toClient.Reader.AdvanceTo(last.Buffer.End);
        Assert.True(replies >= 1201L * expectedReplies.Length, "every round trip was answered");
        Assert.Equal(0, allocated);

        await toServer.Writer.CompleteAsync();
        await session;
    }

    // One round trip with the session running inline on this thread; returns the reply bytes.
    private static long SendSynchronously(PipeWriter toServer, PipeReader toClient, byte[] batch)
    {
        var flush = toServer.WriteAsync(batch);
        Assert.True(flush.IsCompletedSuccessfully, "the session should have run inline");
        return TakeReplies(toClient);
    }

    // Not async: in Debug builds every async call allocates its state machine, which would be counted here.
    private static long TakeReplies(PipeReader replies)
    {
        Assert.True(replies.TryRead(out var result));
        var length = result.Buffer.Length;
        Assert.True(result.Buffer.PositionOf((byte)'\n') is not null);
        replies.AdvanceTo(result.Buffer.End);
        return length;
    }

    /// <summary>A store that keeps nothing and answers at once, so only the session's own allocations are counted.</summary>
    private sealed class DiscardingStore : IMailStore, IMessageWriter
    {
        public long Length { get; private set; }

        public IMessageWriter BeginMessage()
        {
            Length = 0;
            return this;
        }

        public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IMailboxSession?>(null);

        // Some usage under the directory's quota, so the RCPT and end-of-DATA quota checks run in the measured path.
        public long GetMailboxUsage(string mailbox) => 1024;

        public void Write(ReadOnlySpan<byte> data) => Length += data.Length;

        public ValueTask<long> CommitAsync(Envelope envelope, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken) =>
            ValueTask.FromResult(mailboxes.Count == 1 && ReferenceEquals(mailboxes[0], "bob") ? 1L : throw new InvalidOperationException("wrong mailboxes"));

        public void Dispose()
        {
        }
    }

    private sealed class Connection(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>A directory that answers from spans without allocating, as the real one promises.</summary>
    private sealed class ZeroAllocationDirectory : IDirectory, IRelayPolicy
    {
        private const string Bob = "bob";

        public string PrimaryDomain => "example.com";

        public bool IsLocalDomain(ReadOnlySpan<byte> domain) => System.Text.Ascii.EqualsIgnoreCase(domain, "example.com"u8);

        public bool TryFindPostmaster([NotNullWhen(true)] out string? mailbox)
        {
            mailbox = null;
            return false;
        }

        public bool TryFindMailbox(ReadOnlySpan<byte> localPart, [NotNullWhen(true)] out string? mailbox)
        {
            mailbox = System.Text.Ascii.EqualsIgnoreCase(localPart, "bob"u8) ? Bob : null;
            return mailbox is not null;
        }

        public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken) =>
            ValueTask.FromResult<string?>(null);

        public bool TryApop(ReadOnlySpan<byte> user, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> digestHex, [NotNullWhen(true)] out string? mailbox)
        {
            mailbox = null;
            return false;
        }

        public bool MayRelay(IPAddress? remote, string? authenticatedUser) => false;

        public long GetQuota(string mailbox) => 1L << 30;
    }
}
