namespace FastMail.Tests.Smtp;

/// <summary>DSN parameters (RFC 3461 4) on MAIL FROM and RCPT TO: accepted, checked, and stored with the envelope.</summary>
public sealed class SmtpDsnTests
{
    [Fact]
    public async Task EhloAdvertisesDsn()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("EHLO client.example.net");
        Assert.Contains("250-DSN", await script.ExpectSmtpMultiline("250"));
    }

    [Fact]
    public async Task DsnParametersAreAcceptedAndStoredAsSentWithTheEnvelope()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.Send("MAIL FROM:<sender@example.net> RET=HDRS ENVID=QQ314159+2Bx SIZE=100");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        await script.Send("RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;bob@example.com");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        await script.Send("RCPT TO:<motriles@example.com> notify=never");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        await script.Send("RCPT TO:<bob@example.org>");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("hi\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");

        Assert.Equal("RET=HDRS ENVID=QQ314159+2Bx SIZE=100", Assert.Single(host.Recorder.CommittedSenderParameters));
        Assert.Equal(
            ["bob@example.com NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;bob@example.com", "motriles@example.com notify=never", "bob@example.org "],
            Assert.Single(host.Recorder.CommittedRecipients));
    }

    [Theory]
    [InlineData("MAIL FROM:<a@example.net> RET=SOME", "501 5.5.4 Syntax: RET=FULL or RET=HDRS")]
    [InlineData("MAIL FROM:<a@example.net> RET=", "501 5.5.4 Syntax: RET=FULL or RET=HDRS")]
    [InlineData("MAIL FROM:<a@example.net> RET=FULL RET=HDRS", "501 5.5.4 Parameter given more than once")]
    [InlineData("MAIL FROM:<a@example.net> ENVID=a=b", "501 5.5.4 Syntax: ENVID=xtext of at most 100 characters")]
    [InlineData("MAIL FROM:<a@example.net> ENVID=a+2f", "501 5.5.4 Syntax: ENVID=xtext of at most 100 characters")]
    [InlineData("MAIL FROM:<a@example.net> ENVID=x ENVID=x", "501 5.5.4 Parameter given more than once")]
    [InlineData("MAIL FROM:<a@example.net> SIZE=1 SIZE=1", "501 5.5.4 Parameter given more than once")]
    [InlineData("MAIL FROM:<a@example.net> NOTIFY=NEVER", "555 5.5.4 Unsupported option")]
    public async Task BadDsnParametersOnMailGet501AndTheSessionGoesOn(string command, string reply)
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.Send(command);
        Assert.Equal(reply, await script.ReadLine());
        await script.Send("RCPT TO:<bob@example.com>");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await script.ReadLine());
        await script.Send("MAIL FROM:<a@example.net> RET=FULL ENVID=" + new string('e', 100));
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task AnEnvelopeIdOver100CharactersGets501()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("MAIL FROM:<a@example.net> ENVID=" + new string('e', 101));
        Assert.Equal("501 5.5.4 Syntax: ENVID=xtext of at most 100 characters", await script.ReadLine());
    }

    [Theory]
    [InlineData("NOTIFY=NEVER,SUCCESS", "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY")]
    [InlineData("NOTIFY=SOMETIMES", "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY")]
    [InlineData("NOTIFY=SUCCESS,SUCCESS", "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY")]
    [InlineData("NOTIFY=", "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY")]
    [InlineData("NOTIFY=NEVER NOTIFY=NEVER", "501 5.5.4 Parameter given more than once")]
    [InlineData("ORCPT=bob@example.com", "501 5.5.4 Syntax: ORCPT=addr-type;xtext")]
    [InlineData("ORCPT=rfc822;bob=x@example.com", "501 5.5.4 Syntax: ORCPT=addr-type;xtext")]
    [InlineData("ORCPT=rfc822;a ORCPT=rfc822;b", "501 5.5.4 Parameter given more than once")]
    [InlineData("XFOO=1", "555 5.5.4 Unsupported option")]
    [InlineData("RET=FULL", "555 5.5.4 Unsupported option")]
    [InlineData("NOTIFY=NEVER XFOO", "555 5.5.4 Unsupported option")]
    public async Task BadRcptParametersAreRefusedAndNothingIsAdded(string parameters, string reply)
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com> " + parameters);
        Assert.Equal(reply, await script.ReadLine());
        await script.Send("DATA");
        Assert.Equal("503 5.5.1 Error: need RCPT command", await script.ReadLine());
        await script.Send("RCPT TO:<bob@example.com> NOTIFY=FAILURE");
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task AnOriginalRecipientOverTheBoundGets501()
    {
        var host = new SmtpHost(o => o.MaxCommandLineLength = 2048);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com> ORCPT=rfc822;" + new string('o', 600));
        Assert.Equal("501 5.5.4 Syntax: ORCPT=addr-type;xtext", await script.ReadLine());
    }
}
