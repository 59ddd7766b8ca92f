using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FastMail.Core.Storage;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Smtp;

/// <summary>CHUNKING (RFC 3030): BDAT chunks streamed into the store, replies per chunk, LAST committing like DATA.</summary>
public sealed class SmtpBdatTests
{
    private const string Unreadable = "501 5.5.4 Syntax: BDAT chunk-size [LAST]; chunk size unreadable, closing connection";

    [Fact]
    public async Task EhloAdvertisesChunkingAndNotBinaryMime()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("EHLO client.example.net");
        var ehlo = await script.ExpectSmtpMultiline("250");
        Assert.Contains("250-CHUNKING", ehlo);
        Assert.DoesNotContain(ehlo, line => line.Contains("BINARYMIME", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChunksAreStoredByteForByteAfterTheTraceHeadersWithoutDotUnstuffingOrLineChecks()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        string[] chunks = ["Subject: chunks\r\n\r\n", "..dot\r\n.\r\n", "bare\nlf and \rcr", "", "\r\nend\r\n"];
        for (var i = 0; i < chunks.Length; i++)
        {
            var last = i == chunks.Length - 1;
            await script.SendRaw($"BDAT {chunks[i].Length}{(last ? " LAST" : "")}\r\n{chunks[i]}");
            if (!last)
            {
                Assert.Equal($"250 2.0.0 {chunks[i].Length} octets received", await script.ReadLine());
            }
        }

        var queued = await script.Expect("250 2.0.0 Ok: queued as ");
        var stored = Body(host);
        var content = string.Concat(chunks);
        Assert.EndsWith(content, stored, StringComparison.Ordinal);
        AssertTraceHeaders(stored[..^content.Length], queued["250 2.0.0 Ok: queued as ".Length..]);
    }

    [Fact]
    public async Task TheTraceHeadersOfABdatMessageAreThoseOfTheSameMessageSentWithData()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 6 LAST\r\nhello\n");
        var bdatId = (await script.Expect("250 2.0.0 Ok: queued as "))[24..];
        await script.Send("MAIL FROM:<sender@example.net>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("hello\r\n.\r\n");
        var dataId = (await script.Expect("250 2.0.0 Ok: queued as "))[24..];

        var messages = host.Store.Messages("bob").Select(m => Encoding.Latin1.GetString(m)).ToArray();
        Assert.Equal(2, messages.Length);
        var bdatHeaders = messages[0][..^"hello\n".Length].Replace(bdatId, "ID", StringComparison.Ordinal);
        var dataHeaders = messages[1][..^"hello\r\n".Length].Replace(dataId, "ID", StringComparison.Ordinal);
        Assert.Equal(WithoutDate(dataHeaders), WithoutDate(bdatHeaders));
    }

    [Fact]
    public async Task BdatZeroLastCommitsAMessageOfTraceHeadersOnly()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.Send("BDAT 0 LAST");
        var queued = await script.Expect("250 2.0.0 Ok: queued as ");
        AssertTraceHeaders(Body(host), queued[24..]);
    }

    [Fact]
    public async Task AnEmptyChunkThenALastChunkIsAccepted()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.Send("BDAT 0");
        Assert.Equal("250 2.0.0 0 octets received", await script.ReadLine());
        await script.SendRaw("bdat 3 last\r\nabc");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.EndsWith("+0000\r\nabc", Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APipelinedTransactionGetsItsRepliesInOrderAndTheChunkTextIsNeverACommand()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.SendRaw(
            "MAIL FROM:<sender@example.net>\r\nRCPT TO:<bob@example.com>\r\nBDAT 6\r\nQUIT\r\nBDAT 18 LAST\r\nRSET\r\nDATA\r\nQUIT\r\nNOOP\r\n");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        Assert.Equal("250 2.0.0 6 octets received", await script.ReadLine());
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.EndsWith("+0000\r\nQUIT\r\nRSET\r\nDATA\r\nQUIT\r\n", Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APipelinedTransactionSplitAtEveryPointGivesTheSameRepliesAndTheSameMessage()
    {
        const string Input =
            "MAIL FROM:<sender@example.net> RET=HDRS\r\nRCPT TO:<bob@example.com> NOTIFY=NEVER\r\nBDAT 7\r\nab\r\n.\r\nBDAT 0\r\nBDAT 9 LAST\r\nQUIT\r\n\ncdNOOP\r\n";
        const string Expected = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 7 octets received\r\n250 2.0.0 0 octets received\r\n250 2.0.0 Ok: queued as ";
        var bytes = Encoding.ASCII.GetBytes(Input);
        var feeds = Enumerable.Range(0, bytes.Length + 1).Select(split => new[] { bytes[..split], bytes[split..] }).ToList();
        feeds.Add(bytes.Select(b => new[] { b }).ToArray());
        foreach (var feed in feeds)
        {
            var host = new SmtpHost();
            var replies = await RunInline(host, feed);
            var afterGreeting = replies[(replies.IndexOf('\n') + 1)..];
            Assert.StartsWith(Expected, afterGreeting, StringComparison.Ordinal);
            Assert.EndsWith("\r\n250 2.0.0 Ok\r\n", afterGreeting, StringComparison.Ordinal);
            Assert.Equal(7, afterGreeting.Split("\r\n").Length);
            Assert.EndsWith("+0000\r\nab\r\n.\r\nQUIT\r\n\ncd", Body(host), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ALargeChunkArrivingInSmallPiecesIsStoredWhole()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        var content = new byte[200_000];
        new Random(7).NextBytes(content);
        await script.SendRaw($"BDAT {content.Length} LAST\r\n");
        for (var offset = 0; offset < content.Length; offset += 1000)
        {
            await script.SendRaw(content[offset..(offset + 1000)]);
        }

        await script.Expect("250 2.0.0 Ok: queued as ");
        var stored = Assert.Single(host.Store.Messages("bob"));
        Assert.Equal(content, stored[^content.Length..]);
    }

    [Fact]
    public async Task DataAfterBdatGets503AndRsetDiscardsTheTransaction()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 5\r\nhello");
        Assert.Equal("250 2.0.0 5 octets received", await script.ReadLine());
        await script.Send("DATA");
        Assert.Equal("503 5.5.1 Error: DATA not allowed after BDAT", await script.ReadLine());
        await script.Send("RCPT TO:<motriles@example.com>");
        Assert.Equal("503 5.5.1 Error: RCPT not allowed after BDAT", await script.ReadLine());
        await script.Send("MAIL FROM:<other@example.net>");
        Assert.Equal("503 5.5.1 Error: nested MAIL command", await script.ReadLine());
        await script.Send("RSET");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(1, host.Recorder.Begun);
        Assert.Equal(1, host.Recorder.Disposed);

        await script.SendRaw("BDAT 3 LAST\r\nxyzNOOP\r\n");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Empty(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task EhloInTheMiddleOfABdatTransactionDiscardsIt()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 5\r\nhello");
        await script.Expect("250 2.0.0 5 octets received");
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        Assert.Equal(1, host.Recorder.Disposed);
        await script.SendRaw("BDAT 2 LAST\r\nxy");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
    }

    [Theory]
    [InlineData(false, "503 5.5.1 Error: need MAIL command")]
    [InlineData(true, "503 5.5.1 Error: need RCPT command")]
    public async Task BdatOutOfSequenceGets503AfterItsChunkIsConsumed(bool withSender, string reply)
    {
        var host = new SmtpHost();
        await using var script = withSender ? await host.ConnectWithSender() : await host.Connect();
        await script.SendRaw("BDAT 12 LAST\r\nQUIT\r\nQUIT\r\nNOOP\r\n");
        Assert.Equal(reply, await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(0, host.Recorder.Begun);
    }

    [Fact]
    public async Task BdatAfterLastGets503AndItsChunkIsDiscarded()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 2 LAST\r\nabBDAT 6 LAST\r\nRSET\r\nNOOP\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.EndsWith("+0000\r\nab", Body(host), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT x")]
    [InlineData("BDAT LAST")]
    [InlineData("BDAT -1")]
    [InlineData("BDAT +5")]
    [InlineData("BDAT 5x LAST")]
    [InlineData("BDAT 1234567890123456789")]
    [InlineData("BDAT 99999999999999999999 LAST")]
    public async Task AnUnreadableChunkSizeGets501AndTheConnectionIsClosed(string command)
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.SendRaw(command + "\r\nNOOP\r\n");
        Assert.Equal(Unreadable, await script.ReadLine());
        Assert.True(await script.IsClosed());
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Equal(host.Recorder.Begun, host.Recorder.Disposed);
    }

    [Fact]
    public async Task AnUnreadableChunkSizeClosesEvenOutsideATransaction()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("BDAT many");
        Assert.Equal(Unreadable, await script.ReadLine());
        Assert.True(await script.IsClosed());
    }

    [Fact]
    public async Task ABadEndMarkerGets501AfterTheChunkAndEndsTheTransaction()
    {
        var host = new SmtpHost();
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 4\r\nabcdBDAT 4 FINAL\r\nefghBDAT 1 LAST\r\nzNOOP\r\n");
        Assert.Equal("250 2.0.0 4 octets received", await script.ReadLine());
        Assert.Equal("501 5.5.4 Syntax: BDAT chunk-size [LAST]", await script.ReadLine());
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Equal(1, host.Recorder.Disposed);
    }

    [Fact]
    public async Task TheSizeLimitHoldsAcrossChunksAnd552ComesAfterTheChunkThatPassesIt()
    {
        var host = new SmtpHost(o => o.MaxMessageSize = 100);
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 60\r\n" + new string('a', 60));
        Assert.Equal("250 2.0.0 60 octets received", await script.ReadLine());
        await script.SendRaw("BDAT 41\r\n" + new string('b', 41) + "BDAT 5 LAST\r\nccccc" + "NOOP\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed limit", await script.ReadLine());
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Equal(1, host.Recorder.Disposed);

        await script.Send("MAIL FROM:<sender@example.net>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task AMessageOfExactlyTheSizeLimitInChunksIsAccepted()
    {
        var host = new SmtpHost(o => o.MaxMessageSize = 100);
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 60\r\n" + new string('a', 60) + "BDAT 40 LAST\r\n" + new string('b', 40));
        Assert.Equal("250 2.0.0 60 octets received", await script.ReadLine());
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.EndsWith(new string('a', 60) + new string('b', 40), Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFirstChunkOverTheLimitIsDrainedThenRefused()
    {
        var host = new SmtpHost(o => o.MaxMessageSize = 100);
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 101 LAST\r\n" + new string('a', 101) + "NOOP\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed limit", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Equal(host.Recorder.Begun, host.Recorder.Disposed);
    }

    [Fact]
    public async Task AWriteFailureMidChunkGets451AfterTheChunk()
    {
        var host = new SmtpHost();
        host.Recorder.WriteFailureAfter = 500;
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 2000\r\n" + new string('q', 2000) + "NOOP\r\n");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(1, host.Recorder.Disposed);
        Assert.Equal(0, host.Store.CommitCount);
    }

    [Fact]
    public async Task AStoreThatIsFullAtTheFirstChunkGets452AfterTheChunk()
    {
        var host = new SmtpHost();
        host.Recorder.BeginFailure = new StorageFullException("No space left on device");
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 4\r\nabcdBDAT 2 LAST\r\nefNOOP\r\n");
        Assert.Equal("452 4.3.1 Insufficient system storage", await script.ReadLine());
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
    }

    [Fact]
    public async Task ACommitFailureAtLastGets451AndTheNextTransactionWorks()
    {
        var host = new SmtpHost();
        host.Recorder.CommitFailure = new IOException("disk error");
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 1 LAST\r\nx");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
        Assert.Equal(1, host.Recorder.Disposed);

        host.Recorder.CommitFailure = null;
        await script.SendRaw("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nBDAT 1 LAST\r\ny");
        await script.Expect("250 2.1.0");
        await script.Expect("250 2.1.5");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.EndsWith("+0000\r\ny", Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageOverTheOnlyRecipientsQuotaGets552AtLast()
    {
        var host = new SmtpHost();
        host.Directory.SetQuota("bob", 500);
        await using var script = await StartRecipients(host);
        await script.SendRaw("BDAT 300\r\n" + new string('m', 300));
        await script.Expect("250 2.0.0 300 octets received");
        await script.SendRaw("BDAT 300 LAST\r\n" + new string('m', 300));
        Assert.Equal("552 5.2.2 Mailbox full", await script.ReadLine());
        Assert.Equal(0, host.Store.CommitCount);
    }

    private static void AssertTraceHeaders(string headers, string queueId)
    {
        Assert.StartsWith("Return-Path: <sender@example.net>\r\nReceived: from client.example.net ([192.0.2.7])\r\n\tby mx.example.com (FastMail) with ESMTP id " + queueId + "\r\n\tfor <bob@example.com>; ", headers, StringComparison.Ordinal);
        Assert.EndsWith(" +0000\r\n", headers, StringComparison.Ordinal);
        Assert.Equal(4, headers.Split("\r\n").Length - 1);
    }

    private static string WithoutDate(string headers) => headers[..headers.LastIndexOf(';')];

    private static async Task<SessionScript> StartRecipients(SmtpHost host)
    {
        var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        return script;
    }

    private static string Body(SmtpHost host) => Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("bob")));

    /// <summary>
    /// Runs a session over inline pipes, writing each part with its own flush: the session processes every part as it
    /// arrives, so a part boundary is a segment boundary of what it reads. Returns every reply, greeting first.
    /// </summary>
    private static async Task<string> RunInline(SmtpHost host, IEnumerable<byte[]> parts)
    {
        var inline = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var toServer = new Pipe(inline);
        var toClient = new Pipe(inline);
        var session = host.Handler.RunAsync(new Connection(toServer.Reader, toClient.Writer), SmtpHost.Remote, default);
        await toServer.Writer.WriteAsync(Encoding.ASCII.GetBytes("EHLO client.example.net\r\n"));
        foreach (var part in parts)
        {
            await toServer.Writer.WriteAsync(part);
        }

        await toServer.Writer.CompleteAsync();
        await session.WaitAsync(TimeSpan.FromSeconds(10));
        var result = await toClient.Reader.ReadAsync();
        var text = Encoding.Latin1.GetString(result.Buffer.ToArray());
        toClient.Reader.AdvanceTo(result.Buffer.End);

        // Drop the EHLO reply, keep the greeting line.
        var greetingEnd = text.IndexOf('\n') + 1;
        var ehloEnd = text.IndexOf("250 HELP\r\n", StringComparison.Ordinal) + "250 HELP\r\n".Length;
        return text[..greetingEnd] + text[ehloEnd..];
    }

    private sealed class Connection(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
