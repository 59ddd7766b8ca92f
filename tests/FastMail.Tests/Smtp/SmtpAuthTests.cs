using System.Text;
using FastMail.Smtp;
using FastMail.Tests.Sasl;
using Microsoft.Extensions.Logging;
using static FastMail.Tests.Smtp.SmtpAuthKit;

namespace FastMail.Tests.Smtp;

/// <summary>AUTH (RFC 4954) over connections without TLS: loopback, or SCRAM, or when plaintext is allowed.</summary>
public sealed class SmtpAuthTests
{
    [Fact]
    public async Task PlainWithInitialResponseSucceedsFromLoopback()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        Assert.Contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256", await script.ExpectSmtpMultiline("250"));
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("503 5.5.1 Error: already authenticated", await script.ReadLine());
        Assert.Contains(host.Logger.Entries, e => e.EventId == 5010 && e.Message.Contains("bob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlainWithoutInitialResponseGetsAnEmptyChallenge()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH plain");
        Assert.Equal("334 ", await script.ReadLine());
        await script.Send(Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
    }

    [Fact]
    public async Task WrongPasswordGets535AndIsLoggedWithTheClientAddressButNotThePassword()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "hunter2"));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());
        await script.Send("AUTH PLAIN " + Plain("nobody", "hunter2"));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());

        var failures = host.Logger.Entries.Where(e => e.EventId == 5009).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, e =>
        {
            Assert.Equal(LogLevel.Warning, e.Level);
            Assert.Contains("127.0.0.1", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        });
        Assert.Equal(failures[0].Message, failures[1].Message);
    }

    [Fact]
    public async Task LoginAsksForUserNameAndPassword()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH LOGIN");
        Assert.Equal("334 VXNlcm5hbWU6", await script.ReadLine());
        await script.Send(B64("bob"));
        Assert.Equal("334 UGFzc3dvcmQ6", await script.ReadLine());
        await script.Send(B64("secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
    }

    [Fact]
    public async Task LoginWithWrongPasswordFails()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH LOGIN " + B64("bob"));
        Assert.Equal("334 UGFzc3dvcmQ6", await script.ReadLine());
        await script.Send(B64("wrong"));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());
    }

    [Theory]
    [InlineData("secret", true)]
    [InlineData("wrong", false)]
    public async Task ScramSha256WorksWithoutTlsFromTheInternet(string password, bool succeeds)
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Internet);
        await script.Send("EHLO client");
        var ehlo = await script.ExpectSmtpMultiline("250");
        Assert.Contains("250-AUTH SCRAM-SHA-256", ehlo);
        Assert.DoesNotContain(ehlo, line => line.Contains("PLAIN", StringComparison.Ordinal));

        var scram = new ScramTestClient("bob", password);
        await script.Send("AUTH SCRAM-SHA-256");
        Assert.Equal("334 ", await script.ReadLine());
        await script.Send(B64(scram.ClientFirst()));
        var serverFirst = FromB64((await script.Expect("334 "))[4..]);
        await script.Send(B64(scram.ClientFinal(serverFirst)));
        if (!succeeds)
        {
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());
            return;
        }

        Assert.Equal(scram.ExpectedServerFinal, FromB64((await script.Expect("334 "))[4..]));
        await script.Send("");
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
    }

    [Theory]
    [InlineData("AUTH PLAIN")]
    [InlineData("AUTH LOGIN")]
    public async Task PlaintextMechanismsFromTheInternetNeedTls(string command)
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Internet);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send(command + " " + Plain("bob", "secret"));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await script.ReadLine());
    }

    [Fact]
    public async Task PlaintextMechanismsFromTheInternetWorkWhenAllowed()
    {
        var host = new SmtpHost(o => o.AllowPlaintextAuthWithoutTls = true, Security());
        await using var script = await host.ConnectFrom(Internet);
        await script.Send("EHLO client");
        Assert.Contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256", await script.ExpectSmtpMultiline("250"));
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
    }

    [Fact]
    public async Task IPv4MappedLoopbackCountsAsLoopback()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("::ffff:127.0.0.1"), 1));
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
    }

    [Fact]
    public async Task StarCancelsAndBadBase64IsMalformed()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH LOGIN");
        await script.Expect("334 ");
        await script.Send("*");
        Assert.Equal("501 5.0.0 Authentication cancelled", await script.ReadLine());
        await script.Send("AUTH PLAIN not*base64!");
        Assert.Equal("501 5.5.2 Cannot decode response", await script.ReadLine());
        await script.Send("AUTH PLAIN");
        await script.Expect("334 ");
        await script.Send("AAA");
        Assert.Equal("501 5.5.2 Cannot decode response", await script.ReadLine());
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
    }

    [Fact]
    public async Task AuthLinesLongerThan512AreAcceptedButOversizedBlobsAreBounded()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");

        // RFC 4954 4: an AUTH line may be far longer than 512 octets.
        await script.Send("AUTH PLAIN " + Plain("bob", new string('x', 3000)));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());

        // Past the limit: answered once, the rest discarded as it arrives, the session goes on.
        await script.Send("AUTH PLAIN " + new string('A', 20_000));
        Assert.Equal("500 5.5.6 Authentication Exchange line is too long", await script.ReadLine());
        await script.Send("AUTH PLAIN");
        await script.Expect("334 ");
        await script.Send(new string('A', 40_000));
        Assert.Equal("500 5.5.6 Authentication Exchange line is too long", await script.ReadLine());
        await script.Send("NOOP");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());

        // Other commands keep the 512-octet limit.
        await script.Send("NOOP " + new string('x', 600));
        Assert.Equal("500 5.5.2 Line too long", await script.ReadLine());
    }

    [Fact]
    public async Task AuthOutOfOrderOrUnknownIsRefused()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await script.ReadLine());
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH CRAM-MD5");
        Assert.Equal("504 5.5.4 Unrecognized authentication type", await script.ReadLine());
        await script.Send("AUTH");
        Assert.Equal("501 5.5.4 Syntax: AUTH mechanism [initial-response]", await script.ReadLine());
        await script.Send("MAIL FROM:<a@example.net>");
        await script.Expect("250 2.1.0");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("503 5.5.1 Error: MAIL transaction in progress", await script.ReadLine());
    }

    [Fact]
    public async Task AuthWithoutSaslConfiguredIsNotEnabledAndNotAdvertised()
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        Assert.DoesNotContain(await script.ExpectSmtpMultiline("250"), line => line.StartsWith("250-AUTH", StringComparison.Ordinal));
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("503 5.5.1 Error: authentication not enabled", await script.ReadLine());
    }

    [Fact]
    public async Task AuthenticatedSenderMayRelayButRelayIsNotBuiltYet()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("MAIL FROM:<a@example.net>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<x@elsewhere.net>");
        Assert.Equal("554 5.7.1 <x@elsewhere.net>: Relay access denied", await script.ReadLine());
        await script.Send("RSET");
        await script.Expect("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        await script.Expect("235 ");
        await script.Send("MAIL FROM:<bob@example.com>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<x@elsewhere.net>");
        Assert.Equal("553 5.7.1 <x@elsewhere.net>: relaying to other domains is not available on this server (no outbound queue)", await script.ReadLine());
    }

    [Fact]
    public async Task AuthenticatedMessageIsReceivedWithEsmtpa()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        await script.Expect("235 ");
        await script.SendRaw("MAIL FROM:<bob@example.com>\r\nRCPT TO:<motriles@example.com>\r\nDATA\r\nhi\r\n.\r\n");
        await script.Expect("250 2.1.0");
        await script.Expect("250 2.1.5");
        await script.Expect("354 ");
        await script.Expect("250 2.0.0 Ok: queued as ");
        var stored = Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("motriles")));
        Assert.Contains("\r\n\tby mx.example.com (FastMail) with ESMTPA id ", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("X-FastMail-Unauthenticated-Sender", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthErrorsCountTowardMaxErrors()
    {
        var host = new SmtpHost(o => o.MaxErrors = 3, Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        for (var i = 0; i < 2; i++)
        {
            await script.Send("AUTH PLAIN " + Plain("bob", "wrong"));
            await script.Expect("535 ");
        }

        await script.Send("AUTH PLAIN " + Plain("bob", "wrong"));
        await script.Expect("535 ");
        Assert.Equal("421 4.7.0 mx.example.com Error: too many errors", await script.ReadLine());
        Assert.True(await script.IsClosed());
    }

    [Fact]
    public async Task CommandsPipelinedBehindAuthAreAnsweredInOrderAfterIt()
    {
        var host = new SmtpHost(o => o.RequireAuth = true, Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.SendRaw("EHLO client\r\nAUTH PLAIN " + Plain("bob", "secret") + "\r\nMAIL FROM:<bob@example.com>\r\nRCPT TO:<motriles@example.com>\r\n");
        await script.ExpectSmtpMultiline("250");
        Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
        Assert.Equal("250 2.1.5 Ok", await script.ReadLine());
    }

    [Fact]
    public void RequireAuthWithoutSaslIsAConfigurationError()
    {
        Assert.Throws<ArgumentException>(() => new SmtpHost(o => o.RequireAuth = true));
    }

    [Fact]
    public async Task FailingCredentialStoreGets454AndTheSessionGoesOn()
    {
        var host = new SmtpHost(security: new SmtpSecurity { Sasl = new FastMail.Core.Sasl.SaslServerFactory(new ThrowingCredentials()) });
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("454 4.7.0 Temporary authentication failure", await script.ReadLine());
        await script.Send("NOOP");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
    }

    private sealed class ThrowingCredentials : FastMail.Core.Services.ISaslCredentials
    {
        public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken) =>
            ValueTask.FromException<string?>(new IOException("accounts file unreadable"));

        public bool TryGetScramCredentials(ReadOnlySpan<byte> user, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FastMail.Core.Sasl.ScramCredentials? credentials) =>
            throw new IOException("accounts file unreadable");

        public bool IsLoginOf(ReadOnlySpan<byte> login, string mailbox) => false;
    }
}
