using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// The SMTP and POP3 telnet sessions of the classic tutorial (ArGoSoft Mail Server, user motriles / jose),
/// replayed line by line over a real socket exactly as a student types them: lower case, no angle brackets.
/// </summary>
public sealed class TutorialDialogueTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(TestServer.Motriles);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// RFC 5321 4.5.1: postmaster is accepted at every local domain, qualified or not, in any case, though no account
    /// has that name; the mail lands in the postmaster account (here the only, oldest account: motriles).
    /// </summary>
    [Fact]
    public async Task PostmasterInAnyFormIsAcceptedAndDeliveredToThePostmasterAccount()
    {
        await using var smtp = await LineClient.ConnectAsync(_server.SmtpPort);
        await smtp.ExpectSmtpAsync("220");
        await smtp.SendLineAsync("helo student");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("mail from: <someone@elsewhere.example>");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("rcpt to:<Postmaster>");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("rcpt to:<POSTMASTER@" + TestServer.Domain.ToUpperInvariant() + ">");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("rcpt to:<postmasters@" + TestServer.Domain + ">");
        await smtp.ExpectSmtpAsync("550");
        await smtp.SendLineAsync("data");
        await smtp.ExpectSmtpAsync("354");
        await smtp.SendLineAsync("subject: for the postmaster");
        await smtp.SendLineAsync("");
        await smtp.SendLineAsync("your server is fine");
        await smtp.SendLineAsync(".");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("quit");
        await smtp.ExpectSmtpAsync("221");

        // Two RCPTs naming the same mailbox: stored once.
        await using var pop = await LineClient.ConnectAsync(_server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("user motriles");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("pass jose");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("retr 1");
        await pop.ExpectAsync("+OK");
        Assert.Contains("your server is fine", await pop.ReadPop3BodyAsync());
        await pop.SendLineAsync("stat");
        await pop.ExpectAsync("+OK 1 ");
        await pop.SendLineAsync("quit");
        await pop.ExpectAsync("+OK");
    }

    [Fact]
    public async Task TelnetSmtpSessionDeliversAndTelnetPop3SessionRetrievesAndDeletes()
    {
        await SendAsStudent("prueba 1", "hola, esto es una prueba");
        await SendAsStudent("prueba 2", "segundo mensaje");

        await using var pop = await LineClient.ConnectAsync(_server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("AUTH KERBEROS V4");
        await pop.ExpectAsync("-ERR");
        await pop.SendLineAsync("user motriles");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("pass jose");
        await pop.ExpectAsync("+OK");

        await pop.SendLineAsync("stat");
        var stat = (await pop.ExpectAsync("+OK 2 ")).Split(' ');
        var total = long.Parse(stat[2], System.Globalization.CultureInfo.InvariantCulture);

        await pop.SendLineAsync("list");
        await pop.ExpectAsync("+OK");
        var list = await pop.ReadPop3BodyAsync();
        Assert.Equal(2, list.Count);
        Assert.StartsWith("1 ", list[0], StringComparison.Ordinal);
        Assert.StartsWith("2 ", list[1], StringComparison.Ordinal);
        Assert.Equal(total, list.Sum(line => long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));

        await pop.SendLineAsync("retr 1");
        await pop.ExpectAsync("+OK");
        var message = await pop.ReadPop3BodyAsync();
        Assert.Contains(message, line => line.StartsWith("Return-Path: <motriles@" + TestServer.Domain + ">", StringComparison.Ordinal));
        Assert.Contains(message, line => line.StartsWith("Received: from ", StringComparison.Ordinal));
        Assert.Contains("subject: prueba 1", message);
        Assert.Contains("hola, esto es una prueba", message);
        var listedSize = long.Parse(list[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(listedSize, message.Sum(line => line.Length + 2));

        await pop.SendLineAsync("retr 3");
        await pop.ExpectAsync("-ERR");

        await pop.SendLineAsync("dele 1");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("retr 1");
        await pop.ExpectAsync("-ERR");
        await pop.SendLineAsync("quit");
        await pop.ExpectAsync("+OK");
        Assert.True(await pop.IsClosedAsync());

        await using var again = await LineClient.ConnectAsync(_server.Pop3Port);
        await again.ExpectAsync("+OK");
        await again.SendLineAsync("user motriles");
        await again.ExpectAsync("+OK");
        await again.SendLineAsync("pass jose");
        await again.ExpectAsync("+OK");
        await again.SendLineAsync("stat");
        await again.ExpectAsync("+OK 1 ");
        await again.SendLineAsync("retr 1");
        await again.ExpectAsync("+OK");
        Assert.Contains("subject: prueba 2", await again.ReadPop3BodyAsync());
        await again.SendLineAsync("quit");
        await again.ExpectAsync("+OK");
    }

    private async Task SendAsStudent(string subject, string body)
    {
        await using var smtp = await LineClient.ConnectAsync(_server.SmtpPort);
        Assert.Equal("220 mail." + TestServer.Domain + " ESMTP FastMail", await smtp.ReadLineAsync());
        await smtp.SendLineAsync("ehlo");
        var ehlo = await smtp.ExpectSmtpAsync("250");
        Assert.Contains(ehlo, line => line[4..].StartsWith("SIZE ", StringComparison.Ordinal));
        Assert.Contains(ehlo, line => line[4..] == "PIPELINING");
        Assert.Contains(ehlo, line => line[4..] == "8BITMIME");
        Assert.Contains(ehlo, line => line[4..] == "ENHANCEDSTATUSCODES");
        await smtp.SendLineAsync("mail from: motriles");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("rcpt to: motriles");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("data");
        await smtp.ExpectSmtpAsync("354");
        await smtp.SendLineAsync("subject: " + subject);
        await smtp.SendLineAsync("");
        await smtp.SendLineAsync(body);
        await smtp.SendLineAsync(".");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("quit");
        await smtp.ExpectSmtpAsync("221");
        Assert.True(await smtp.IsClosedAsync());
    }
}
