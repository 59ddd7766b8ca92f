using System.Net;

namespace FastMail.Tests.Pop3;

/// <summary>RFC 2595 2.2 / RFC 5034 6: clear-text passwords (USER/PASS, PLAIN, LOGIN) only over TLS, from loopback, or when allowed.</summary>
public sealed class Pop3PlaintextAuthTests
{
    private const string Disallowed = "-ERR [AUTH] Plaintext authentication disallowed without TLS";

    [Fact]
    public async Task UserIsRefusedBeforeTlsFromARemoteAddressAndPassThenHasNoUser()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");
        await script.ExpectLine(Disallowed);
        await script.Send("PASS jose");
        await script.ExpectLine("-ERR PASS must directly follow USER");
    }

    [Theory]
    [InlineData("AUTH PLAIN")]
    [InlineData("AUTH LOGIN")]
    [InlineData("AUTH PLAIN AG1vdHJpbGVzAGpvc2U=")]
    public async Task ClearTextMechanismsAreRefusedBeforeTlsFromARemoteAddress(string command)
    {
        var host = new Pop3TestHost().WithSasl();
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send(command);

        await script.ExpectLine(Disallowed);
        Assert.Equal(0, host.SaslCredentials.PasswordChecks);
    }

    [Fact]
    public async Task CapaFromARemoteAddressWithoutTlsListsNeitherUserNorStlsAndOnlyScram()
    {
        var host = new Pop3TestHost().WithSasl();
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("CAPA");
        await script.ExpectLine("+OK Capability list follows");

        Assert.Equal(["TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "SASL SCRAM-SHA-256", "IMPLEMENTATION FastMail"], await script.ReadRawBody());
    }

    [Fact]
    public async Task AllowPlaintextAuthWithoutTlsLetsARemoteClientUseUserPassAndPlain()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        host.Options.AllowPlaintextAuthWithoutTls = true;
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("CAPA");
        await script.ExpectLine("+OK Capability list follows");
        Assert.Equal(["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "SASL PLAIN LOGIN SCRAM-SHA-256", "IMPLEMENTATION FastMail"], await script.ReadRawBody());
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.20.30")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task LoopbackClientsMayUseUserPassWithoutTls(string address)
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = host.Start(new IPEndPoint(IPAddress.Parse(address), 50110));
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
    }

    [Theory]
    [InlineData("::ffff:203.0.113.7")]
    [InlineData("10.0.0.1")]
    [InlineData("2001:db8::1")]
    public async Task OtherAddressesNeedTlsForUserPass(string address)
    {
        var host = new Pop3TestHost();
        await using var script = host.Start(new IPEndPoint(IPAddress.Parse(address), 50110));
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");

        await script.ExpectLine(Disallowed);
    }

    [Fact]
    public async Task ApopStaysGovernedByEnableApopAlone()
    {
        var host = new Pop3TestHost();
        host.Options.EnableApop = true;
        host.Directory.AddUser("apopper", "pw", apopSecret: "tanstaaf");
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        var greeting = await script.Expect(Pop3TestHost.Greeting);
        var timestamp = greeting[(greeting.IndexOf('<', StringComparison.Ordinal))..];

        await script.Send("APOP apopper " + Pop3ApopTests.Digest(timestamp, "tanstaaf"));

        await script.Expect("+OK Mailbox locked and ready");
    }
}
