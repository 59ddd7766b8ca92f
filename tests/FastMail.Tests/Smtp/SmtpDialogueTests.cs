using System.Text;
using System.Text.RegularExpressions;

namespace FastMail.Tests.Smtp;

public sealed class SmtpDialogueTests
{
    [Fact]
    public async Task TheClassicTelnetTutorialDialogueDeliversTheMessage()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();

        await script.Send("ehlo");
        Assert.Equal(
            ["250-mx.example.com", "250-SIZE 26214400", "250-8BITMIME", "250-PIPELINING", "250-CHUNKING", "250-ENHANCEDSTATUSCODES", "250-DSN", "250-SMTPUTF8", "250 HELP"],
            await script.ExpectSmtpMultiline("250"));
        await script.Send("mail from: motriles");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        await script.Send("rcpt to: motriles");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        await script.Send("data");
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await script.ReadLine());
        await script.Send("subject: hi");
        await script.Send("");
        await script.Send("hello");
        await script.Send(".");
        var queued = await script.ReadLine();
        Assert.Matches("^250 2.0.0 Ok: queued as [0-9A-F]{16}$", queued);
        await script.Send("quit");
        Assert.Equal("221 2.0.0 Bye", await script.ReadLine());
        Assert.True(await script.IsClosed());

        var stored = Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("motriles")));
        var id = queued[^16..];
        Assert.Matches(
            new Regex(
                "^Return-Path: <motriles@example\\.com>\r\n" +
                "Received: from \\[192\\.0\\.2\\.7\\] \\(\\[192\\.0\\.2\\.7\\]\\)\r\n" +
                "\tby mx\\.example\\.com \\(FastMail\\) with ESMTP id " + id + "\r\n" +
                "\tfor <motriles@example\\.com>; [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\r\n" +
                "X-FastMail-Unauthenticated-Sender: yes\r\n" +
                "subject: hi\r\n\r\nhello\r\n$"),
            stored);
    }

    [Fact]
    public async Task ReceivedHeaderNamesHeloAndOmitsForWithSeveralRecipients()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("HELO client.example.net");
        Assert.Equal("250 mx.example.com", await script.ReadLine());
        await script.Send("MAIL FROM:<>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<motriles@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<bob@example.org>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("Subject: x\r\n\r\nbody\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");

        var stored = Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("bob")));
        Assert.StartsWith("Return-Path: <>\r\nReceived: from client.example.net ([192.0.2.7])\r\n\tby mx.example.com (FastMail) with SMTP id ", stored, StringComparison.Ordinal);
        Assert.Matches(";\r\n\t[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000\r\nSubject: x\r\n\r\nbody\r\n$", stored);
        Assert.Equal(stored, Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("motriles"))));
    }

    [Fact]
    public async Task OneMailboxNamedTwiceGetsOneCopy()
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<motriles@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<MOTRILES@example.org>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("x\r\n.\r\n");
        await script.Expect("250 2.0.0");
        Assert.Single(host.Store.Messages("motriles"));
        Assert.Equal(1, host.Store.CommitCount);
    }

    [Fact]
    public async Task PipelinedBatchInOneWriteGetsEveryReplyInOrder()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.SendRaw(
            "EHLO client.example.net\r\nMAIL FROM:<sender@example.net>\r\nRCPT TO:<bob@example.com>\r\n" +
            "RCPT TO:<nobody@example.com>\r\nRCPT TO:<motriles@example.com>\r\nDATA\r\n");
        await script.ExpectSmtpMultiline("250");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        Assert.Equal("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown", await script.ReadLine());
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>", await script.ReadLine());

        // RFC 2920: after the message, the next transaction may be pipelined behind the terminator.
        await script.SendRaw("one\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\ntwo\r\n.\r\nNOOP\r\nQUIT\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        await script.Expect("354 ");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal("221 2.0.0 Bye", await script.ReadLine());
        Assert.True(await script.IsClosed());

        Assert.Equal(2, host.Store.Messages("bob").Count);
        Assert.EndsWith("\r\none\r\n", Encoding.Latin1.GetString(host.Store.Messages("motriles")[0]), StringComparison.Ordinal);
        Assert.EndsWith("\r\ntwo\r\n", Encoding.Latin1.GetString(host.Store.Messages("bob")[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelinedBatchIsAnsweredWithOneFlush()
    {
        var host = new SmtpHost();
        CountingPipe? counting = null;
        await using var script = new TestKit.SessionScript(pipe => host.Handler.RunAsync(counting = new CountingPipe(pipe), SmtpHost.Remote, default));
        await script.Expect("220 ");
        Assert.Equal(1, counting!.Flushes);

        await script.SendRaw("EHLO a.example\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<motriles@example.com>\r\nNOOP\r\nRSET\r\n");
        await script.ExpectSmtpMultiline("250");
        for (var i = 0; i < 5; i++)
        {
            await script.Expect("250 ");
        }

        Assert.Equal(2, counting.Flushes);
    }

    [Fact]
    public async Task PipelinedCommandsSplitAcrossWritesAreAnsweredInOrder()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        const string batch = "NOOP\r\nRSET\r\nVRFY bob\r\nHELP\r\n";
        for (var i = 0; i < batch.Length; i++)
        {
            await script.SendRaw(batch[i].ToString());
        }

        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        await script.Expect("252 2.5.2 ");
        await script.Expect("214 2.0.0 ");
    }

    [Fact]
    public async Task VerbsAndLineEndsAreLenient()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.SendRaw("HeLo x\nmAiL FrOm:<motriles>\nrCpT tO:<Bob>\n");
        Assert.Equal("250 mx.example.com", await script.ReadLine());
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task VrfyNeverDisclosesWhetherAUserExists()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("VRFY motriles");
        var known = await script.ReadLine();
        await script.Send("VRFY nobody");
        Assert.Equal(known, await script.ReadLine());
        Assert.StartsWith("252 2.5.2 ", known, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RsetClearsTheTransaction()
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RSET");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        await script.Send("DATA");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        await script.Send("MAIL FROM:<a@example.net>");
        await script.Expect("250 2.1.0");
    }

    [Fact]
    public async Task EhloMidTransactionResetsIt()
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send("EHLO again.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.Send("RCPT TO:<bob@example.com>");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
    }

    [Fact]
    public async Task ManyMessagesInOneSessionAreEachStored()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        for (var i = 0; i < 5; i++)
        {
            await script.Send("MAIL FROM:<a@example.net>");
            await script.Expect("250 2.1.0");
            await script.Send("RCPT TO:<bob@example.com>");
            await script.Expect("250 2.1.5");
            await script.Send("DATA");
            await script.Expect("354");
            await script.SendRaw($"message {i}\r\n.\r\n");
            await script.Expect("250 2.0.0 Ok: queued as ");
        }

        var messages = host.Store.Messages("bob");
        Assert.Equal(5, messages.Count);
        Assert.EndsWith("message 4\r\n", Encoding.Latin1.GetString(messages[4]), StringComparison.Ordinal);
    }
}
