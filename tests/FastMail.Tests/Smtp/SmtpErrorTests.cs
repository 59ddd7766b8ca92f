namespace FastMail.Tests.Smtp;

public sealed class SmtpErrorTests
{
    [Theory]
    [InlineData("RCPT TO:<bob@example.com>", "503 5.5.1 Error: need MAIL command")]
    [InlineData("DATA", "503 5.5.1 Error: need MAIL command")]
    [InlineData("XYZZY", "500 5.5.1 Error: command not recognized")]
    [InlineData("EXPN staff", "500 5.5.1 Error: command not recognized")]
    [InlineData("MAIL", "501 5.5.4 Syntax: MAIL FROM:<address>")]
    [InlineData("MAIL TO:<a@b.c>", "501 5.5.4 Syntax: MAIL FROM:<address>")]
    [InlineData("MAIL FROM:<a b@c.d>", "501 5.1.7 Bad sender address syntax")]
    [InlineData("MAIL FROM:<a@b.c> FOO=BAR", "555 5.5.4 Unsupported option")]
    [InlineData("MAIL FROM:<a@b.c> BODY=BINARYMIME", "501 5.5.4 Bad parameter syntax")]
    [InlineData("MAIL FROM:<a@b.c> SIZE=26214401", "552 5.3.4 Message size exceeds fixed limit")]
    [InlineData("RSET all", "501 5.5.4 Syntax: RSET")]
    [InlineData("QUIT now", "501 5.5.4 Syntax: QUIT")]
    [InlineData("VRFY", "501 5.5.4 Syntax: VRFY address")]
    [InlineData("EHLO bad\rname", "501 5.5.4 Syntax: EHLO hostname")]
    public async Task BadCommandsGetTheirErrorAndTheSessionGoesOn(string command, string reply)
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send(command);
        Assert.Equal(reply, await script.ReadLine());
        await script.Send("NOOP");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
    }

    [Theory]
    [InlineData("MAIL FROM:<other@example.net>", "503 5.5.1 Error: nested MAIL command")]
    [InlineData("DATA", "503 5.5.1 Error: need RCPT command")]
    [InlineData("RCPT TO:<a b@example.com>", "501 5.1.7 Bad recipient address syntax")]
    [InlineData("RCPT TO:<>", "501 5.1.7 Bad recipient address syntax")]
    [InlineData("RCPT", "501 5.5.4 Syntax: RCPT TO:<address>")]
    [InlineData("RCPT TO:<bob@example.com> XFOO=1", "555 5.5.4 Unsupported option")]
    [InlineData("RCPT TO:<nobody@example.com>", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown")]
    [InlineData("RCPT TO: nobody", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown")]
    [InlineData("RCPT TO:<someone@elsewhere.net>", "554 5.7.1 <someone@elsewhere.net>: Relay access denied")]
    public async Task BadEnvelopeCommandsAfterMailGetTheirError(string command, string reply)
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send(command);
        Assert.Equal(reply, await script.ReadLine());
    }

    [Fact]
    public async Task DataWithAnArgumentIsASyntaxError()
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA now");
        Assert.Equal("501 5.5.4 Syntax: DATA", await script.ReadLine());
        await script.Send("DATA");
        await script.Expect("354");
    }

    [Fact]
    public async Task RelayForATrustedClientIsRefusedUntilOutboundRelayExists()
    {
        var host = new SmtpHost();
        host.Directory.AllowRelay = true;
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<someone@elsewhere.net>");
        Assert.Equal(
            "553 5.7.1 <someone@elsewhere.net>: relaying to other domains is not available on this server (no outbound queue)",
            await script.ReadLine());
    }

    [Fact]
    public async Task RecipientsOverTheLimitGet452()
    {
        var host = new SmtpHost(o => o.MaxRecipients = 2);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<motriles@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<bob@example.org>");
        Assert.Equal("452 4.5.3 Too many recipients", await script.ReadLine());
        await script.Send("DATA");
        await script.Expect("354");
    }

    [Fact]
    public async Task CommandLineOverTheLimitGets500AndItsRestIsDiscarded()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("NOOP " + new string('x', 600) + " RSET");
        Assert.Equal("500 5.5.2 Line too long", await script.ReadLine());
        await script.Send("NOOP");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task CommandLineOfExactly512OctetsIsAccepted()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("NOOP " + new string('x', 505));
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        await script.Send("NOOP " + new string('x', 506));
        Assert.Equal("500 5.5.2 Line too long", await script.ReadLine());
    }

    [Fact]
    public async Task TenMegabyteLineWithoutCrlfGets500AndTheSessionStaysUsable()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'A');
        for (var sent = 0; sent < 10 * 1024 * 1024; sent += chunk.Length)
        {
            await script.SendRaw(chunk);
        }

        Assert.Equal("500 5.5.2 Line too long", await script.ReadLine());
        await script.SendRaw("\r\nNOOP\r\n");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
        await script.Send("MAIL FROM:<a@example.net>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task TenthErrorIsFollowedBy421AndTheConnectionCloses()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        for (var i = 0; i < 9; i++)
        {
            await script.Send("BOGUS");
            Assert.Equal("500 5.5.1 Error: command not recognized", await script.ReadLine());
        }

        await script.Send("RCPT TO:<bob@example.com>");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        Assert.Equal("421 4.7.0 mx.example.com Error: too many errors", await script.ReadLine());
        Assert.True(await script.IsClosed());
        await script.Session;
    }

    [Fact]
    public async Task BinaryJunkEndsInTooManyErrorsWithoutHarm()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        var junk = new byte[64 * 1024];
        new Random(42).NextBytes(junk);
        await script.SendRaw(junk);

        string line;
        do
        {
            line = await script.ReadLine();
            Assert.Matches("^(500|501|503|555|552|250|252|214|354|421) ", line);
        }
        while (!line.StartsWith("421 ", StringComparison.Ordinal) && !line.StartsWith("354 ", StringComparison.Ordinal));

        await script.CloseInput();
        await script.Session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task StrictModeRejectsTheLenientForms()
    {
        var host = new SmtpHost(o => o.StrictAddresses = true);
        await using var script = await host.Connect();
        await script.Send("ehlo");
        Assert.Equal("501 5.5.4 Syntax: EHLO hostname", await script.ReadLine());
        await script.Send("helo");
        Assert.Equal("501 5.5.4 Syntax: HELO hostname", await script.ReadLine());
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.Send("mail from: motriles");
        Assert.Equal("501 5.1.7 Bad sender address syntax", await script.ReadLine());
        await script.Send("MAIL FROM:<motriles>");
        Assert.Equal("501 5.1.7 Bad sender address syntax", await script.ReadLine());
        await script.Send("MAIL FROM: <motriles@example.com>");
        Assert.Equal("501 5.1.7 Bad sender address syntax", await script.ReadLine());
        await script.Send("MAIL FROM:motriles@example.com");
        Assert.Equal("501 5.1.7 Bad sender address syntax", await script.ReadLine());
        await script.Send("MAIL FROM:<>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        await script.Send("rcpt to: motriles");
        Assert.Equal("501 5.1.7 Bad recipient address syntax", await script.ReadLine());
        await script.Send("RCPT TO:<motriles>");
        Assert.Equal("501 5.1.7 Bad recipient address syntax", await script.ReadLine());
        await script.Send("RCPT TO:<motriles@example.com>");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task LenientModeAcceptsNullSenderAndUnqualifiedAddresses()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("MAIL FROM:<>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        await script.Send("RCPT TO:<motriles>");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        await script.Send("RCPT TO: bob SIZE=1");
        Assert.Equal("555 5.5.4 Unsupported option", await script.ReadLine());
    }
}
