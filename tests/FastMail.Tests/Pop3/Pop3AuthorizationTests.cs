namespace FastMail.Tests.Pop3;

public sealed class Pop3AuthorizationTests
{
    [Fact]
    public async Task ABadPasswordAndAnUnknownUserGetTheIdenticalReply()
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS wrong");
        var badPassword = await script.ReadLine();
        await script.Send("USER nobody");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        var unknownUser = await script.ReadLine();

        Assert.Equal("-ERR [AUTH] Invalid user name or password", badPassword);
        Assert.Equal(badPassword, unknownUser);

        // Still in AUTHORIZATION: a correct login works afterwards.
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
    }

    [Fact]
    public async Task APasswordMayContainSpaces()
    {
        var host = new Pop3TestHost();
        await using var script = await host.StartLoggedIn("ana", "secret words");

        await script.Send("STAT");
        await script.ExpectLine("+OK 0 0");
    }

    [Fact]
    public async Task PassIsRefusedUnlessItDirectlyFollowsUser()
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("PASS jose");
        await script.ExpectLine("-ERR PASS must directly follow USER");
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("CAPA");
        await script.Expect("+OK Capability list follows");
        await script.ReadRawBody();
        await script.Send("PASS jose");
        await script.ExpectLine("-ERR PASS must directly follow USER");
    }

    [Theory]
    [InlineData("STAT")]
    [InlineData("LIST")]
    [InlineData("RETR 1")]
    [InlineData("DELE 1")]
    [InlineData("NOOP")]
    [InlineData("RSET")]
    [InlineData("TOP 1 1")]
    [InlineData("UIDL")]
    public async Task TransactionCommandsAreRefusedBeforeLogin(string command)
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send(command);

        await script.ExpectLine("-ERR Command not valid in this state");
    }

    [Theory]
    [InlineData("USER motriles")]
    [InlineData("PASS jose")]
    [InlineData("APOP motriles c4c9334bac560ecc979e58001b3e22fb")]
    [InlineData("AUTH PLAIN")]
    public async Task AuthorizationCommandsAreRefusedAfterLogin(string command)
    {
        var host = new Pop3TestHost();
        await using var script = await host.StartLoggedIn();

        await script.Send(command);

        await script.ExpectLine("-ERR Command not valid in this state");
    }

    [Theory]
    [InlineData("AUTH KERBEROS V4")]
    [InlineData("AUTH PLAIN")]
    [InlineData("AUTH")]
    [InlineData("auth login")]
    public async Task AuthIsRefusedWhenNoSaslIsConfigured(string command)
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send(command);

        await script.ExpectLine("-ERR AUTH is not supported, use USER and PASS");
    }

    [Theory]
    [InlineData("XTND XMIT")]
    [InlineData("HELO there")]
    [InlineData("")]
    [InlineData("STLS")] // not offered without a certificate, so it does not exist here
    public async Task UnknownCommandsGetAnError(string command)
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send(command);

        await script.ExpectLine("-ERR Unknown command");
    }

    [Fact]
    public async Task UserWithoutANameIsASyntaxError()
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER");
        await script.ExpectLine("-ERR Syntax error in arguments");
        await script.Send("USER a b");
        await script.ExpectLine("-ERR Syntax error in arguments");
    }

    [Fact]
    public async Task QuitInAuthorizationClosesAndRemovesNothing()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("QUIT");

        await script.ExpectLine("+OK FastMail POP3 server signing off");
        await script.ExpectClosed();
        Assert.Equal(2, host.Store.Messages("motriles").Count);
    }

    [Fact]
    public async Task CapaListsTheCapabilitiesInEveryStateWithUserOnlyBeforeLogin()
    {
        string[] expected = ["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "IMPLEMENTATION FastMail"];
        string[] afterLogin = ["TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "IMPLEMENTATION FastMail"];
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("CAPA");
        await script.ExpectLine("+OK Capability list follows");
        Assert.Equal(expected, await script.ReadRawBody());

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
        await script.Send("capa");
        await script.ExpectLine("+OK Capability list follows");
        Assert.Equal(afterLogin, await script.ReadRawBody());
    }
}
