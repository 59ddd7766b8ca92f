using System.Text;

namespace FastMail.Tests.Smtp;

public sealed class SmtpDataTests
{
    [Fact]
    public async Task DotStuffedLinesAreRestored()
    {
        var host = new SmtpHost();
        await using var script = await StartData(host);
        await script.SendRaw("..\r\n..hidden\r\n...\r\n.x\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.EndsWith("\r\n.\r\n.hidden\r\n..\r\nx\r\n", Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataLineOf5000OctetsIsPreservedExactly()
    {
        var host = new SmtpHost();
        await using var script = await StartData(host);
        var line = string.Concat(Enumerable.Range(0, 5000).Select(i => (char)('a' + (i % 26))));
        await script.SendRaw("Subject: long\r\n\r\n" + line + "\r\n.\r\n");
        await script.Expect("250 2.0.0");
        Assert.EndsWith("\r\nSubject: long\r\n\r\n" + line + "\r\n", Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EightBitAndUtf8TextIsStoredByteForByte()
    {
        var host = new SmtpHost();
        await using var script = await StartData(host);
        var body = new byte[256 + 4];
        for (var i = 0; i < 256; i++)
        {
            body[i] = (byte)i is (byte)'\r' or (byte)'\n' ? (byte)'x' : (byte)i;
        }

        "\r\n.\r\n"u8.CopyTo(body.AsSpan(255));
        await script.SendRaw(body[..^0]);
        await script.Expect("250 2.0.0");
        var stored = Assert.Single(host.Store.Messages("bob"));
        Assert.Equal(body[..257], stored[^257..]);
    }

    [Fact]
    public async Task EmptyMessageIsStoredWithTraceHeadersOnly()
    {
        var host = new SmtpHost();
        await using var script = await StartData(host);
        await script.SendRaw(".\r\n");
        await script.Expect("250 2.0.0");
        Assert.StartsWith("Return-Path: <sender@example.net>\r\nReceived: ", Body(host), StringComparison.Ordinal);
        Assert.EndsWith(" +0000\r\n", Body(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageOverTheSizeLimitIsDrainedThenRefusedAndNothingIsStored()
    {
        var host = new SmtpHost(o => o.MaxMessageSize = 1000);
        var store = host.Recorder;
        await using var script = await StartData(host);
        for (var i = 0; i < 100; i++)
        {
            await script.SendRaw(new string('z', 98) + "\r\n");
        }

        await script.SendRaw(".\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed limit", await script.ReadLine());
        Assert.Equal(1, store.Disposed);
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);

        await script.Send("MAIL FROM:<a@example.net>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task MessageOfExactlyTheSizeLimitIsAccepted()
    {
        var host = new SmtpHost(o => o.MaxMessageSize = 100);
        await using var script = await StartData(host);
        await script.SendRaw(new string('z', 98) + "\r\n.\r\n");
        await script.Expect("250 2.0.0");
    }

    [Theory]
    [InlineData("bare\nlf\r\n.\r\n")]
    [InlineData("bare\rcr\r\n.\r\n")]
    [InlineData("end\n.\nstill text\r\n.\r\n")]
    public async Task BareCrOrLfGets554AfterTheTerminatorAndNothingIsStored(string text)
    {
        var host = new SmtpHost();
        await using var script = await StartData(host);
        await script.SendRaw(text);
        Assert.Equal("554 5.6.11 Message contains bare CR or LF (RFC 5321 2.3.8)", await script.ReadLine());
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);
        await script.Send("NOOP");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task SmugglingPayloadStaysInsideOneMessage()
    {
        // CVE-2023-51764 class: "LF.CRLF" must not end DATA, so the smuggled transaction is never executed.
        var host = new SmtpHost();
        await using var script = await StartData(host);
        await script.SendRaw(
            "Subject: hi\r\n\r\nhello\n.\r\nMAIL FROM:<admin@example.com>\r\nRCPT TO:<motriles@example.com>\r\nDATA\r\n" +
            "Subject: forged\r\n\r\nevil\r\n.\r\nNOOP\r\n");
        Assert.Equal("554 5.6.11 Message contains bare CR or LF (RFC 5321 2.3.8)", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Empty(host.Store.Messages("motriles"));
    }

    [Fact]
    public async Task DisconnectMidDataStoresNothing()
    {
        var host = new SmtpHost();
        var store = host.Recorder;
        var script = await StartData(host);
        await script.SendRaw("Subject: cut\r\n\r\nhalf a message\r\n.");
        await script.CloseInput();
        await script.Session.WaitAsync(TimeSpan.FromSeconds(10));
        await script.DisposeAsync();

        Assert.Equal(1, store.Begun);
        Assert.Equal(1, store.Disposed);
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);
    }

    [Fact]
    public async Task CommitFailureGets451AndTheSessionGoesOn()
    {
        var host = new SmtpHost();
        var store = host.Recorder;
        store.CommitFailure = new IOException("disk error");
        await using var script = await StartData(host);
        await script.SendRaw("x\r\n.\r\n");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
        Assert.Equal(1, store.Disposed);

        store.CommitFailure = null;
        await script.Send("RCPT TO:<bob@example.com>");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        await script.Send("MAIL FROM:<a@example.net>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("y\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Single(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task WriteFailureMidMessageIsDrainedThenGets451()
    {
        var host = new SmtpHost();
        var store = host.Recorder;
        store.WriteFailureAfter = 500;
        await using var script = await StartData(host);
        await script.SendRaw(new string('q', 2000) + "\r\n.\r\nNOOP\r\n");
        Assert.Equal("451 4.3.0 Error: could not store message, try again later", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal(1, store.Disposed);
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);
    }

    [Fact]
    public async Task LargeMessageArrivingInSmallPiecesIsStoredWhole()
    {
        var host = new SmtpHost();
        await using var script = await StartData(host);
        var expected = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            var line = $"line {i} " + new string('m', i % 120);
            expected.Append(line).Append("\r\n");
            await script.SendRaw(line + "\r");
            await script.SendRaw("\n");
        }

        await script.SendRaw(".");
        await script.SendRaw("\r");
        await script.SendRaw("\n");
        await script.Expect("250 2.0.0");
        Assert.EndsWith("\r\n" + expected, Body(host), StringComparison.Ordinal);
    }

    private static async Task<TestKit.SessionScript> StartData(SmtpHost host)
    {
        var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await script.ReadLine());
        return script;
    }

    private static string Body(SmtpHost host) => Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("bob")));
}
