namespace FastMail.Tests.Pop3;

/// <summary>STLS (RFC 2595 4): the upgrade, what changes after it, and the pipelined-command injection it must resist.</summary>
public sealed class Pop3StlsTests
{
    [Fact]
    public async Task StlsThenUserAndPassInsideTlsWorkFromARemoteAddress()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var client = host.StartWithTls(Pop3TestHost.RemoteClient);
        await client.ExpectLine(Pop3TestHost.Greeting);

        await client.Send("STLS");
        await client.ExpectLine("+OK Begin TLS negotiation");
        await client.StartTls();

        await client.Send("USER motriles");
        await client.ExpectLine("+OK Password required");
        Assert.True(client.Connection.IsSecure);
        await client.Send("PASS jose");
        await client.ExpectLine("+OK Mailbox locked and ready, 2 messages (" + (Pop3TestHost.FirstMessage.Length + Pop3TestHost.SecondMessage.Length) + " octets)");
        await client.Send("RETR 1");
        await client.Expect("+OK");
        Assert.Equal(Pop3TestHost.FirstMessage.Split("\r\n")[..^1], await client.ReadBody());
        await client.Send("QUIT");
        await client.ExpectLine("+OK FastMail POP3 server signing off");
        Assert.Null(await client.ReadLineOrEnd());
    }

    [Fact]
    public async Task CommandsPipelinedAfterStlsAreDiscardedNotExecuted()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var client = host.StartWithTls(Pop3TestHost.RemoteClient);
        await client.ExpectLine(Pop3TestHost.Greeting);

        // One write: a man in the middle could append the QUIT; it must never run (the CVE-2011-0411 class).
        await client.SendRaw("STLS\r\nQUIT\r\n");
        await client.ExpectLine("+OK Begin TLS negotiation");
        await client.StartTls();

        // The next reply inside TLS answers this NOOP, not the QUIT: nothing else was written.
        await client.Send("NOOP");
        await client.ExpectLine("-ERR Command not valid in this state");
        Assert.False(client.Session.IsCompleted);
        await client.Send("USER motriles");
        await client.ExpectLine("+OK Password required");
        await client.Send("PASS jose");
        await client.Expect("+OK Mailbox locked and ready, 2 messages");
    }

    [Fact]
    public async Task AUserGivenBeforeStlsIsForgottenAfterIt()
    {
        var host = new Pop3TestHost();
        await using var client = host.StartWithTls(Pop3TestHost.LoopbackClient);
        await client.ExpectLine(Pop3TestHost.Greeting);

        await client.Send("USER motriles");
        await client.ExpectLine("+OK Password required");
        await client.Send("STLS");
        await client.ExpectLine("+OK Begin TLS negotiation");
        await client.StartTls();

        await client.Send("PASS jose");
        await client.ExpectLine("-ERR PASS must directly follow USER");
    }

    [Fact]
    public async Task ASecondStlsIsRefusedAndTheSessionGoesOn()
    {
        var host = new Pop3TestHost();
        await using var client = host.StartWithTls(Pop3TestHost.RemoteClient);
        await client.ExpectLine(Pop3TestHost.Greeting);
        await client.Send("STLS");
        await client.ExpectLine("+OK Begin TLS negotiation");
        await client.StartTls();

        await client.Send("STLS");
        await client.ExpectLine("-ERR TLS already active");
        Assert.Equal(1, client.Connection.Handshakes);
        await client.Send("USER ana");
        await client.ExpectLine("+OK Password required");
    }

    [Fact]
    public async Task StlsIsNotValidAfterLogin()
    {
        var host = new Pop3TestHost();
        await using var client = host.StartWithTls(Pop3TestHost.LoopbackClient);
        await client.ExpectLine(Pop3TestHost.Greeting);
        await client.Send("USER motriles");
        await client.ExpectLine("+OK Password required");
        await client.Send("PASS jose");
        await client.Expect("+OK Mailbox locked and ready");

        await client.Send("STLS");

        await client.ExpectLine("-ERR Command not valid in this state");
        Assert.Equal(0, client.Connection.Handshakes);
    }

    [Fact]
    public async Task AFailedHandshakeClosesTheConnection()
    {
        var host = new Pop3TestHost();
        await using var client = host.StartWithTls(Pop3TestHost.RemoteClient);
        await client.ExpectLine(Pop3TestHost.Greeting);
        await client.Send("STLS");
        await client.ExpectLine("+OK Begin TLS negotiation");

        // Not a ClientHello: the handshake fails and nothing of it is executed as a command.
        await client.SendRaw("USER motriles\r\nPASS jose\r\n");

        Assert.Null(await client.ReadLineOrEnd());
        await client.Session.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task CapaOffersStlsAndOnlyScramBeforeTlsFromARemoteAddressAndEverythingButStlsAfter()
    {
        var host = new Pop3TestHost().WithSasl();
        await using var client = host.StartWithTls(Pop3TestHost.RemoteClient);
        await client.ExpectLine(Pop3TestHost.Greeting);

        Assert.Equal(
            ["TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "SASL SCRAM-SHA-256", "IMPLEMENTATION FastMail"],
            await client.Capabilities());

        await client.Send("STLS");
        await client.ExpectLine("+OK Begin TLS negotiation");
        await client.StartTls();

        Assert.Equal(
            ["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "SASL PLAIN LOGIN SCRAM-SHA-256", "IMPLEMENTATION FastMail"],
            await client.Capabilities());
    }

    [Fact]
    public async Task CapaFromLoopbackOffersUserStlsAndEveryMechanism()
    {
        var host = new Pop3TestHost().WithSasl();
        await using var client = host.StartWithTls(Pop3TestHost.LoopbackClient);
        await client.ExpectLine(Pop3TestHost.Greeting);

        Assert.Equal(
            ["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "SASL PLAIN LOGIN SCRAM-SHA-256", "IMPLEMENTATION FastMail"],
            await client.Capabilities());
    }

    [Fact]
    public async Task AuthPlainWorksInsideTlsFromARemoteAddress()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var client = host.StartWithTls(Pop3TestHost.RemoteClient);
        await client.ExpectLine(Pop3TestHost.Greeting);
        await client.Send("AUTH PLAIN " + Pop3SaslTests.Plain("motriles", "jose"));
        await client.ExpectLine("-ERR [AUTH] Plaintext authentication disallowed without TLS");

        await client.Send("STLS");
        await client.ExpectLine("+OK Begin TLS negotiation");
        await client.StartTls();
        await client.Send("AUTH PLAIN " + Pop3SaslTests.Plain("motriles", "jose"));

        await client.Expect("+OK Mailbox locked and ready, 2 messages");
    }

    [Fact]
    public async Task OnAnImplicitTlsConnectionUserWorksFromARemoteAddressAndStlsIsRefused()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        var handler = host.Handler;
        await using var script = new TestKit.SessionScript(pipe => handler.RunAsync(new ImplicitTlsConnection(pipe), CancellationToken.None));
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("CAPA");
        await script.ExpectLine("+OK Capability list follows");
        Assert.Equal(["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "SASL PLAIN LOGIN SCRAM-SHA-256", "IMPLEMENTATION FastMail"], await script.ReadRawBody());
        await script.Send("STLS");
        await script.ExpectLine("-ERR TLS already active");
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
    }

    /// <summary>POP3S (RFC 8314 3.3): the transport did the handshake before the session started.</summary>
    private sealed class ImplicitTlsConnection(System.IO.Pipelines.IDuplexPipe pipe) : Core.Services.IMailConnection
    {
        public System.IO.Pipelines.IDuplexPipe Transport => pipe;

        public System.Net.IPEndPoint? RemoteEndPoint => Pop3TestHost.RemoteClient;

        public System.Net.IPEndPoint? LocalEndPoint => null;

        public bool IsSecure => true;

        public bool CanStartTls => false;

        public string? TlsDescription => "TLSv1.3 TLS_AES_256_GCM_SHA384";

        public ValueTask StartTlsAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("already secure");
    }
}
