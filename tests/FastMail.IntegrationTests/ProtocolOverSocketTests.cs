using System.Text;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>PIPELINING, the mailbox lock and the error replies, over real sockets against the composed server.</summary>
public sealed class ProtocolOverSocketTests : IAsyncLifetime
{
    private const string User = "motriles";
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(TestServer.Motriles, ("smtp.maxMessageSize", "64k"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SmtpPipelinedBatchGetsEveryReplyInOrder()
    {
        await using var smtp = await Smtp();
        await smtp.SendRawAsync("EHLO batch.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles@fastmail.test>\r\nRCPT TO:<nobody@fastmail.test>\r\nRCPT TO:<motriles@fastmail.test>\r\nDATA\r\n");
        await smtp.ExpectSmtpAsync("250");
        await smtp.ExpectAsync("250 2.1.0");
        await smtp.ExpectAsync("250 2.1.5");
        await smtp.ExpectAsync("550 5.1.1");
        await smtp.ExpectAsync("250 2.1.5");
        await smtp.ExpectAsync("354");
        await smtp.SendRawAsync("Subject: pipelined\r\n\r\nbody\r\n.\r\nNOOP\r\nQUIT\r\n");
        await smtp.ExpectAsync("250 2.0.0");
        await smtp.ExpectAsync("250 2.0.0");
        await smtp.ExpectAsync("221 2.0.0");
        Assert.True(await smtp.IsClosedAsync());

        await using var pop = await LoggedInPop();
        await pop.SendRawAsync("STAT\r\nUIDL\r\nTOP 1 0\r\nQUIT\r\n");
        await pop.ExpectAsync("+OK 1 ");
        await pop.ExpectAsync("+OK");
        Assert.Single(await pop.ReadPop3BodyAsync());
        await pop.ExpectAsync("+OK");
        Assert.Contains("Subject: pipelined", await pop.ReadPop3BodyAsync());
        await pop.ExpectAsync("+OK");
    }

    [Fact]
    public async Task SecondPop3SessionGetsInUseAndDroppedSessionDeletesNothing()
    {
        await Deliver("one");
        await using (var first = await LoggedInPop())
        {
            await using var second = await Pop();
            await second.SendLineAsync("USER " + User);
            await second.ExpectAsync("+OK");
            await second.SendLineAsync("PASS jose");
            await second.ExpectAsync("-ERR [IN-USE]");

            await first.SendLineAsync("DELE 1");
            await first.ExpectAsync("+OK");
        }

        // The first connection was dropped without QUIT: the lock is released and nothing was removed.
        await using var third = await LoggedInPopEventually();
        await third.SendLineAsync("STAT");
        await third.ExpectAsync("+OK 1 ");
        await third.SendLineAsync("QUIT");
        await third.ExpectAsync("+OK");
    }

    [Fact]
    public async Task SmtpErrorsGetTheirRepliesAndTheSessionGoesOn()
    {
        await using var smtp = await Smtp();
        await smtp.SendLineAsync("EHLO x.example");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("RCPT TO:<motriles@fastmail.test>");
        await smtp.ExpectAsync("503 5.5.1");
        await smtp.SendLineAsync("FOO bar");
        await smtp.ExpectAsync("500 5.5.1");
        await smtp.SendLineAsync("MAIL FROM:<a@example.org> SIZE=999999999");
        await smtp.ExpectAsync("552 5.3.4");
        await smtp.SendLineAsync("MAIL FROM:<a@b@c>");
        await smtp.ExpectAsync("501 5.1.7");
        await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
        await smtp.ExpectAsync("554 5.7.1");
        await smtp.SendLineAsync("RCPT TO:<ghost@fastmail.test>");
        await smtp.ExpectAsync("550 5.1.1");
        await smtp.SendLineAsync("MAIL " + new string('x', 600));
        await smtp.ExpectAsync("500 5.5.2");
        await smtp.SendLineAsync("NOOP");
        await smtp.ExpectAsync("250");
    }

    [Fact]
    public async Task TooManyRecipientsGet452()
    {
        await using var smtp = await Smtp();
        await smtp.SendLineAsync("HELO x.example");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
        await smtp.ExpectAsync("250");
        var batch = new StringBuilder();
        for (var i = 0; i < 101; i++)
        {
            batch.Append("RCPT TO:<motriles@fastmail.test>\r\n");
        }

        await smtp.SendRawAsync(batch.ToString());
        for (var i = 0; i < 100; i++)
        {
            await smtp.ExpectAsync("250");
        }

        await smtp.ExpectAsync("452 4.5.3");
    }

    [Fact]
    public async Task OversizedMessageIsDrainedRejectedAndNotStored()
    {
        await using var smtp = await Smtp();
        await smtp.SendLineAsync("EHLO x.example");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("RCPT TO:<motriles@fastmail.test>");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("DATA");
        await smtp.ExpectAsync("354");
        var line = new string('y', 900) + "\r\n";
        for (var i = 0; i < 200; i++)
        {
            await smtp.SendRawAsync(line);
        }

        await smtp.SendRawAsync(".\r\n");
        await smtp.ExpectAsync("552 5.3.4");
        await smtp.SendLineAsync("NOOP");
        await smtp.ExpectAsync("250");
        await AssertMailboxCount(0);
    }

    [Fact]
    public async Task HugeLineWithoutCrlfAndBinaryJunkLeaveTheServerHealthy()
    {
        await using (var junk = await Smtp())
        {
            var chunk = new byte[1024 * 1024];
            new Random(42).NextBytes(chunk);
            for (var i = 0; i < 10; i++)
            {
                chunk.AsSpan().Replace((byte)'\n', (byte)'x');
                await junk.SendRawAsync(chunk);
            }
        }

        await using (var cut = await Smtp())
        {
            await cut.SendRawAsync("EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles@fastmail.test>\r\nDATA\r\n");
            await cut.ExpectSmtpAsync("250");
            await cut.ExpectAsync("250");
            await cut.ExpectAsync("250");
            await cut.ExpectAsync("354");
            await cut.SendRawAsync("Subject: cut off\r\n\r\nhalf a message\r\n");
        }

        await Deliver("after the abuse");
        await using var pop = await LoggedInPopEventually();
        await pop.SendLineAsync("STAT");
        await pop.ExpectAsync("+OK 1 ");
        await pop.SendLineAsync("RETR 1");
        await pop.ExpectAsync("+OK");
        Assert.Contains("Subject: after the abuse", await pop.ReadPop3BodyAsync());
    }

    [Fact]
    public async Task TenSmtpErrorsCloseTheSessionWith421()
    {
        await using var smtp = await Smtp();
        for (var i = 0; i < 9; i++)
        {
            await smtp.SendLineAsync("BOGUS");
            await smtp.ExpectAsync("500");
        }

        await smtp.SendLineAsync("BOGUS");
        var last = await smtp.ReadLineAsync();
        Assert.NotNull(last);
        if (last.StartsWith("500", StringComparison.Ordinal))
        {
            last = await smtp.ReadLineAsync();
        }

        Assert.StartsWith("421", last, StringComparison.Ordinal);
        Assert.True(await smtp.IsClosedAsync());
    }

    [Fact]
    public async Task Pop3ErrorsGetErrAndBadPasswordLooksLikeUnknownUser()
    {
        await using var pop = await Pop();
        await pop.SendLineAsync("STAT");
        await pop.ExpectAsync("-ERR");
        await pop.SendLineAsync("PASS jose");
        await pop.ExpectAsync("-ERR");
        await pop.SendLineAsync("USER " + User);
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("PASS wrong");
        var wrongPassword = await pop.ExpectAsync("-ERR [AUTH]");
        await pop.SendLineAsync("USER nosuchuser");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("PASS jose");
        var unknownUser = await pop.ExpectAsync("-ERR [AUTH]");
        Assert.Equal(wrongPassword, unknownUser);
        await pop.SendLineAsync(new string('z', 400));
        await pop.ExpectAsync("-ERR");
        await pop.SendLineAsync("CAPA");
        await pop.ExpectAsync("+OK");
        var capabilities = await pop.ReadPop3BodyAsync();
        Assert.Contains("UIDL", capabilities);
        Assert.Contains("TOP", capabilities);
        Assert.Contains("USER", capabilities);
        Assert.Contains("RESP-CODES", capabilities);
        Assert.Contains("PIPELINING", capabilities);
    }

    private async Task Deliver(string subject)
    {
        await using var smtp = await Smtp();
        await smtp.SendRawAsync($"HELO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles@fastmail.test>\r\nDATA\r\n");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("354");
        await smtp.SendRawAsync($"Subject: {subject}\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("221");
    }

    private async Task AssertMailboxCount(int count)
    {
        await using var pop = await LoggedInPopEventually();
        await pop.SendLineAsync("STAT");
        await pop.ExpectAsync($"+OK {count} ");
        await pop.SendLineAsync("QUIT");
        await pop.ExpectAsync("+OK");
    }

    private async Task<LineClient> Smtp()
    {
        var client = await LineClient.ConnectAsync(_server.SmtpPort);
        await client.ExpectAsync("220 ");
        return client;
    }

    private async Task<LineClient> Pop()
    {
        var client = await LineClient.ConnectAsync(_server.Pop3Port);
        await client.ExpectAsync("+OK");
        return client;
    }

    private async Task<LineClient> LoggedInPop()
    {
        var client = await Pop();
        await client.SendLineAsync("USER " + User);
        await client.ExpectAsync("+OK");
        await client.SendLineAsync("PASS jose");
        await client.ExpectAsync("+OK");
        return client;
    }

    /// <summary>Logs in, retrying while a just-dropped session still holds the lock (the server notices the close asynchronously).</summary>
    private async Task<LineClient> LoggedInPopEventually()
    {
        for (var attempt = 0; ; attempt++)
        {
            var client = await Pop();
            await client.SendLineAsync("USER " + User);
            await client.ExpectAsync("+OK");
            await client.SendLineAsync("PASS jose");
            var reply = await client.ReadLineAsync();
            if (reply is not null && reply.StartsWith("+OK", StringComparison.Ordinal))
            {
                return client;
            }

            await client.DisposeAsync();
            Assert.True(attempt < 50, $"mailbox still locked: {reply}");
            await Task.Delay(100);
        }
    }
}
