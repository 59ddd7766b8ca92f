using System.Text;
using FastMail.Tests.Sasl;

namespace FastMail.Tests.Pop3;

/// <summary>AUTH (RFC 5034) with PLAIN, LOGIN and SCRAM-SHA-256 over the SASL server, from loopback (no TLS needed).</summary>
public sealed class Pop3SaslTests
{
    private const string MailboxReady = "+OK Mailbox locked and ready, 2 messages";

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string Plain(string user, string password) => B64("\0" + user + "\0" + password);

    [Fact]
    public async Task AuthPlainWithAnInitialResponseOpensTheMailbox()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH PLAIN " + Plain("motriles", "jose"));

        await script.Expect(MailboxReady);
        await script.Send("STAT");
        await script.Expect("+OK 2 ");
    }

    [Fact]
    public async Task AuthPlainWithoutAnInitialResponseSendsAnEmptyChallengeFirst()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("auth plain");
        await script.ExpectLine("+ ");
        await script.Send(Plain("motriles", "jose"));

        await script.Expect(MailboxReady);
    }

    [Fact]
    public async Task AuthLoginAsksForUserNameThenPassword()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH LOGIN");
        await script.ExpectLine("+ " + B64("Username:"));
        await script.Send(B64("motriles"));
        await script.ExpectLine("+ " + B64("Password:"));
        await script.Send(B64("jose"));

        await script.Expect(MailboxReady);
    }

    [Fact]
    public async Task AuthLoginTakesTheUserNameAsInitialResponse()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH LOGIN " + B64("motriles"));
        await script.ExpectLine("+ " + B64("Password:"));
        await script.Send(B64("jose"));

        await script.Expect(MailboxReady);
    }

    [Fact]
    public async Task ScramSha256WithTheRightPasswordOpensTheMailboxAfterTheServerProvesItself()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start(Pop3TestHost.RemoteClient); // SCRAM is allowed without TLS
        await script.ExpectLine(Pop3TestHost.Greeting);
        var client = new ScramTestClient("motriles", "jose");

        await script.Send("AUTH SCRAM-SHA-256");
        await script.ExpectLine("+ ");
        await script.Send(B64(client.ClientFirst()));
        var serverFirst = Decode(await script.Expect("+ "));
        await script.Send(B64(client.ClientFinal(serverFirst)));
        Assert.Equal(client.ExpectedServerFinal, Decode(await script.Expect("+ ")));
        await script.Send("");

        await script.Expect(MailboxReady);
    }

    [Fact]
    public async Task ScramSha256WithAnInitialResponseAndAWrongPasswordFails()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);
        var client = new ScramTestClient("motriles", "wrong");

        await script.Send("AUTH SCRAM-SHA-256 " + B64(client.ClientFirst()));
        var serverFirst = Decode(await script.Expect("+ "));
        await script.Send(B64(client.ClientFinal(serverFirst)));

        await script.ExpectLine("-ERR [AUTH] Authentication failed");
        await script.Send("STAT");
        await script.ExpectLine("-ERR Command not valid in this state");
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownUserGetTheSameReply()
    {
        var host = new Pop3TestHost().WithSasl();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH PLAIN " + Plain("motriles", "wrong"));
        var wrongPassword = await script.ReadLine();
        await script.Send("AUTH PLAIN " + Plain("nobody", "jose"));
        var unknownUser = await script.ReadLine();

        Assert.Equal("-ERR [AUTH] Authentication failed", wrongPassword);
        Assert.Equal(wrongPassword, unknownUser);
    }

    [Fact]
    public async Task AStarCancelsTheExchangeAndTheClientMayLogInAfterwards()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH LOGIN");
        await script.ExpectLine("+ " + B64("Username:"));
        await script.Send("*");
        await script.ExpectLine("-ERR Authentication cancelled");

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect(MailboxReady);
    }

    [Theory]
    [InlineData("AUTH PLAIN !!!notbase64")]
    [InlineData("AUTH PLAIN " + "bm8tbnVscw==")] // "no-nuls": base64, but not the PLAIN syntax
    public async Task AMalformedResponseEndsTheExchangeWithAnError(string command)
    {
        var host = new Pop3TestHost().WithSasl();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send(command);

        await script.ExpectLine("-ERR Malformed SASL response");
        await script.Send("NOOP");
        await script.ExpectLine("-ERR Command not valid in this state");
    }

    [Fact]
    public async Task ACommandSentDuringAnExchangeIsTakenAsAResponseNeverExecuted()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH PLAIN");
        await script.ExpectLine("+ ");
        await script.Send("QUIT"); // valid base64, but not a PLAIN message

        await script.ExpectLine("-ERR Malformed SASL response");
        Assert.False(script.Session.IsCompleted);
        await script.Send("QUIT");
        await script.ExpectLine("+OK FastMail POP3 server signing off");
    }

    [Fact]
    public async Task AnInitialResponseLongerThanTheCommandLimitIsAccepted()
    {
        var longPassword = new string('p', 400);
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        host.SaslCredentials.Add("longpass", longPassword);
        host.Store.Add("longpass", "Subject: x\r\n\r\nx\r\n");
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        // RFC 5034 4: AUTH lines and responses are not bound by the 255-octet command limit.
        await script.Send("AUTH PLAIN " + Plain("longpass", longPassword));

        await script.Expect("+OK Mailbox locked and ready, 1 messages");
    }

    [Fact]
    public async Task AnOversizedAuthLineOrResponseIsRefusedWithoutBufferingItAndTheSessionGoesOn()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        host.Options.MaxAuthLineLength = 2048;
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);
        var blob = new string('A', 4096);

        await script.Send("AUTH PLAIN " + blob);
        await script.ExpectLine("-ERR Line too long");
        await script.Send("AUTH PLAIN");
        await script.ExpectLine("+ ");
        await script.Send(blob);
        await script.ExpectLine("-ERR Line too long");

        // The exchange is over: the next line is a command again.
        await script.Send("AUTH PLAIN " + Plain("motriles", "jose"));
        await script.Expect(MailboxReady);
    }

    [Fact]
    public async Task AnOrdinaryCommandLongerThanTheCommandLimitIsStillTooLongWhenSaslIsOn()
    {
        var host = new Pop3TestHost().WithSasl();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER " + new string('u', 300));

        await script.ExpectLine("-ERR Line too long");
    }

    [Theory]
    [InlineData("AUTH KERBEROS_V4")]
    [InlineData("AUTH KERBEROS V4")] // the tutorial's attempt
    [InlineData("AUTH CRAM-MD5")]
    public async Task AnUnknownMechanismIsRefused(string command)
    {
        var host = new Pop3TestHost().WithSasl();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send(command);

        await script.ExpectLine("-ERR Unsupported authentication mechanism");
    }

    [Fact]
    public async Task AuthAloneListsTheMechanismsUsableHere()
    {
        var host = new Pop3TestHost().WithSasl();
        await using var loopback = host.Start();
        await loopback.ExpectLine(Pop3TestHost.Greeting);
        await loopback.Send("AUTH");
        await loopback.ExpectLine("+OK SASL mechanisms follow");
        Assert.Equal(["PLAIN", "LOGIN", "SCRAM-SHA-256"], await loopback.ReadRawBody());

        await using var remote = host.Start(Pop3TestHost.RemoteClient);
        await remote.ExpectLine(Pop3TestHost.Greeting);
        await remote.Send("AUTH");
        await remote.ExpectLine("+OK SASL mechanisms follow");
        Assert.Equal(["SCRAM-SHA-256"], await remote.ReadRawBody());
    }

    [Fact]
    public async Task AuthOnAMailboxInUseAnswersInUseAndStaysInAuthorization()
    {
        var host = new Pop3TestHost().WithSasl().WithTutorialMailbox();
        await using var first = await host.StartLoggedIn();
        await using var second = host.Start();
        await second.ExpectLine(Pop3TestHost.Greeting);

        await second.Send("AUTH PLAIN " + Plain("motriles", "jose"));

        await second.ExpectLine("-ERR [IN-USE] Mailbox is locked by another session");
        await second.Send("STAT");
        await second.ExpectLine("-ERR Command not valid in this state");
    }

    [Fact]
    public async Task SaslErrorsCountTowardsTheErrorLimit()
    {
        var host = new Pop3TestHost().WithSasl();
        host.Options.MaxErrors = 3;
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH PLAIN !");
        await script.ExpectLine("-ERR Malformed SASL response");
        await script.Send("AUTH PLAIN " + Plain("motriles", "wrong"));
        await script.ExpectLine("-ERR [AUTH] Authentication failed");
        await script.Send("AUTH LOGIN");
        await script.Expect("+ ");
        await script.Send("*");

        await script.ExpectLine("-ERR Too many errors, closing");
        await script.ExpectClosed();
    }

    private static string Decode(string challengeLine) => Encoding.UTF8.GetString(Convert.FromBase64String(challengeLine[2..]));
}
