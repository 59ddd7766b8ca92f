using System.Text;
using static FastMail.Tests.Smtp.SmtpAuthKit;

namespace FastMail.Tests.Smtp;

/// <summary>STARTTLS (RFC 3207) through a real TLS handshake over in-memory pipes.</summary>
public sealed class SmtpStartTlsTests
{
    [Fact]
    public async Task StartTlsRoundTripResetsTheSessionAndOffersPlaintextAuthOnlyInsideTls()
    {
        var host = new SmtpHost(security: Security());
        await using var client = await StreamSmtpClient.ConnectAsync(host.Handler, Internet);

        await client.SendAsync("EHLO client.example.net");
        var before = await client.ReadReplyAsync();
        Assert.Contains("250-STARTTLS", before);
        Assert.Contains("250-AUTH SCRAM-SHA-256", before);
        await client.SendAsync("MAIL FROM:<a@example.net>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        await client.SendAsync("RSET");
        Assert.Equal("250 2.0.0 Ok", await client.ReadLineAsync());

        await client.SendAsync("STARTTLS");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadLineAsync());
        await client.UpgradeAsync();

        // RFC 3207 4.2: the EHLO from before TLS is forgotten.
        await client.SendAsync("MAIL FROM:<a@example.net>");
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first", await client.ReadLineAsync());
        await client.SendAsync("EHLO client.example.net");
        var after = await client.ReadReplyAsync();
        Assert.DoesNotContain("250-STARTTLS", after);
        Assert.Contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256", after);
        Assert.Equal("250 HELP", after[^1]);
        Assert.True(client.Connection.IsSecure);

        await client.SendAsync("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadLineAsync());
        await client.SendAsync("MAIL FROM:<bob@example.com>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        await client.SendAsync("RCPT TO:<motriles@example.com>");
        Assert.Equal("250 2.1.5 Ok", await client.ReadLineAsync());
        await client.SendAsync("DATA");
        Assert.StartsWith("354 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        await client.SendRawAsync("Subject: secret\r\n\r\nover TLS\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await client.ReadLineAsync(), StringComparison.Ordinal);

        var stored = Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("motriles")));
        Assert.Matches("^Return-Path: <bob@example.com>\r\nReceived: from client.example.net \\(\\[203.0.113.5\\]\\)\r\n\t\\(using Tls1[23] TLS_[A-Z0-9_]+\\)\r\n\tby mx.example.com \\(FastMail\\) with ESMTPSA id ", stored);
        Assert.DoesNotContain("X-FastMail-Unauthenticated-Sender", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("bob", stored.Split("\r\n")[1..4].Aggregate((a, b) => a + b), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsStartTlsAndAuthOnlyWhereTheListenerOffersThem()
    {
        var secured = new SmtpHost(security: Security());
        await using (var client = await StreamSmtpClient.ConnectAsync(secured.Handler, Internet))
        {
            await client.SendAsync("HELP");
            Assert.Equal("214 2.0.0 Commands: HELO EHLO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT", await client.ReadLineAsync());
        }

        var plain = new SmtpHost();
        await using var script = await plain.Connect();
        await script.Send("HELP");
        Assert.Equal("214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT", await script.ReadLine());
    }

    [Fact]
    public async Task CommandsPipelinedBehindStartTlsAreDiscardedNotExecuted()
    {
        var host = new SmtpHost(security: Security());
        await using var client = await StreamSmtpClient.ConnectAsync(host.Handler, Internet);
        await client.SendAsync("EHLO client.example.net");
        await client.ReadReplyAsync();

        // CVE-2011-0411: the RSET travels in the same write as STARTTLS; it must never be answered.
        await client.SendRawAsync("STARTTLS\r\nRSET\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadLineAsync());
        await client.UpgradeAsync();
        await client.SendAsync("HELP");
        Assert.Equal("214 2.0.0 Commands: HELO EHLO AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT", await client.ReadLineAsync());
        await client.SendAsync("QUIT");
        Assert.Equal("221 2.0.0 Bye", await client.ReadLineAsync());
        Assert.Equal(1, client.Connection.Handshakes);
    }

    [Fact]
    public async Task SecondStartTlsInsideTlsGets503()
    {
        var host = new SmtpHost(security: Security());
        await using var client = await StreamSmtpClient.ConnectAsync(host.Handler, Internet);
        await client.SendAsync("STARTTLS");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadLineAsync());
        await client.UpgradeAsync();
        await client.SendAsync("STARTTLS");
        Assert.Equal("503 5.5.1 Error: TLS already active", await client.ReadLineAsync());
        await client.SendAsync("NOOP");
        Assert.Equal("250 2.0.0 Ok", await client.ReadLineAsync());
    }

    [Fact]
    public async Task StartTlsDuringATransactionOrWithArgumentsIsRefused()
    {
        var host = new SmtpHost(security: Security());
        await using var client = await StreamSmtpClient.ConnectAsync(host.Handler, Internet);
        await client.SendAsync("STARTTLS now");
        Assert.Equal("501 5.5.4 Syntax: STARTTLS", await client.ReadLineAsync());
        await client.SendAsync("MAIL FROM:<a@example.net>");
        Assert.Equal("250 2.1.0 Ok", await client.ReadLineAsync());
        await client.SendAsync("starttls");
        Assert.Equal("503 5.5.1 Error: MAIL transaction in progress", await client.ReadLineAsync());
        Assert.Equal(0, client.Connection.Handshakes);
    }

    [Fact]
    public async Task FailedHandshakeClosesTheConnection()
    {
        var host = new SmtpHost(security: Security());
        await using var client = await StreamSmtpClient.ConnectAsync(host.Handler, Internet);
        await client.SendAsync("STARTTLS");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadLineAsync());
        await client.SendRawAsync("this is not a TLS ClientHello, just plaintext that goes on for a while\r\n");
        Assert.Null(await client.ReadLineAsync());
        await client.Session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(host.Logger.Entries, e => e.EventId == 5012);
    }

    [Fact]
    public async Task StartTlsWithoutACertificateIsNotOfferedAndNotImplemented()
    {
        var host = new SmtpHost(security: Security());
        await using var script = await host.ConnectFrom(Internet);
        await script.Send("EHLO client.example.net");
        Assert.DoesNotContain("250-STARTTLS", await script.ExpectSmtpMultiline("250"));
        await script.Send("STARTTLS");
        Assert.Equal("502 5.5.1 Error: command not implemented", await script.ReadLine());
    }

    [Fact]
    public async Task AuthenticationBeforeStartTlsIsForgottenAfterIt()
    {
        var host = new SmtpHost(o => o.RequireAuth = true, Security());
        await using var client = await StreamSmtpClient.ConnectAsync(host.Handler, Loopback);
        await client.SendAsync("EHLO client");
        await client.ReadReplyAsync();
        await client.SendAsync("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadLineAsync());
        await client.SendAsync("STARTTLS");
        Assert.Equal("220 2.0.0 Ready to start TLS", await client.ReadLineAsync());
        await client.UpgradeAsync();
        await client.SendAsync("EHLO client");
        await client.ReadReplyAsync();
        await client.SendAsync("MAIL FROM:<bob@example.com>");
        Assert.Equal("530 5.7.0 Authentication required", await client.ReadLineAsync());
        await client.SendAsync("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadLineAsync());
    }
}
