using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>Never an open relay (DESIGN.md contract 5): foreign recipients are refused for unauthenticated, untrusted clients, tricks included.</summary>
public sealed class RelayControlTests
{
    [Theory]
    [InlineData("<someone@elsewhere.example>", "554 5.7.1")]
    [InlineData("<someone@ELSEWHERE.EXAMPLE>", "554 5.7.1")]
    [InlineData("<@fastmail.test,@relay.example:someone@elsewhere.example>", "554 5.7.1")]
    [InlineData("<@fastmail.test:someone@elsewhere.example>", "554 5.7.1")]
    [InlineData("someone@elsewhere.example", "554 5.7.1")]
    [InlineData("<someone@elsewhere.example.>", "501 5.1.7")] // a trailing dot is not RFC 5321 domain syntax
    [InlineData("<someone@[192.0.2.1]>", "554 5.7.1")]
    public async Task UnauthenticatedRelayIsRefused(string recipient, string reply)
    {
        await using var server = TestServer.Start(TestServer.Motriles);
        await using var smtp = await Envelope(server.SmtpPort);
        await smtp.SendLineAsync("RCPT TO:" + recipient);
        await smtp.ExpectAsync(reply);
    }

    [Theory]
    [InlineData("<someone%elsewhere.example@fastmail.test>")]
    [InlineData("<\"someone@elsewhere.example\"@fastmail.test>")]
    [InlineData("<elsewhere.example!someone@fastmail.test>")]
    public async Task LocalPartTricksAreUnknownLocalUsersNeverRelayed(string recipient)
    {
        await using var server = TestServer.Start(TestServer.Motriles);
        await using var smtp = await Envelope(server.SmtpPort);
        await smtp.SendLineAsync("RCPT TO:" + recipient);
        var reply = await smtp.ReadLineAsync();
        Assert.NotNull(reply);
        Assert.True(reply.StartsWith("550 5.1.1", StringComparison.Ordinal) || reply.StartsWith("501", StringComparison.Ordinal), reply);
    }

    [Fact]
    public async Task UppercaseLocalAddressStillDeliversLocally()
    {
        await using var server = TestServer.Start(TestServer.Motriles);
        await using var smtp = await Envelope(server.SmtpPort);
        await smtp.SendLineAsync("RCPT TO:<MOTRILES@FASTMAIL.TEST>");
        await smtp.ExpectAsync("250");
    }

    [Fact]
    public async Task TrustedNetworkMayRelayOnlyWhenAllowRelayIsOn()
    {
        await using (var closed = TestServer.Start(TestServer.Motriles, ("relay.trustedNetworks", "127.0.0.0/8")))
        await using (var smtp = await Envelope(closed.SmtpPort))
        {
            await smtp.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
            await smtp.ExpectAsync("554 5.7.1");
        }

        await using var open = TestServer.Start(TestServer.Motriles, ("relay.allowRelay", "true"), ("relay.trustedNetworks", "127.0.0.0/8"));
        await using var trusted = await Envelope(open.SmtpPort);
        await trusted.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
        await trusted.ExpectAsync("250 2.1.5");

        await using var untrusted = TestServer.Start(TestServer.Motriles, ("relay.allowRelay", "true"), ("relay.trustedNetworks", "192.0.2.0/24"));
        await using var outsider = await Envelope(untrusted.SmtpPort);
        await outsider.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
        await outsider.ExpectAsync("554 5.7.1");
    }

    [Fact]
    public async Task AuthenticatedSenderMayRelay()
    {
        await using var server = TestServer.Start(TestServer.Motriles);
        await using var smtp = await LineClient.ConnectAsync(server.SmtpPort);
        await smtp.ExpectAsync("220");
        await smtp.SendLineAsync("EHLO client.example");
        await smtp.ExpectSmtpAsync("250");
        // AUTH PLAIN over loopback is allowed without TLS; "\0motriles\0jose" in base64.
        await smtp.SendLineAsync("AUTH PLAIN " + Convert.ToBase64String("\0motriles\0jose"u8.ToArray()));
        await smtp.ExpectAsync("235 2.7.0");
        await smtp.SendLineAsync("MAIL FROM:<motriles@fastmail.test>");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
        await smtp.ExpectAsync("250 2.1.5");
    }

    private static async Task<LineClient> Envelope(int port)
    {
        var smtp = await LineClient.ConnectAsync(port);
        await smtp.ExpectAsync("220");
        await smtp.SendLineAsync("EHLO client.example");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
        await smtp.ExpectAsync("250");
        return smtp;
    }
}
