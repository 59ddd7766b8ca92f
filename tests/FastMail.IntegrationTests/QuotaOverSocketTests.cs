using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// Quotas over real sockets against the composed server: a default quota from the configuration, a per-user quota set
/// with `fastmail user quota` while the server runs, 552 5.2.2 after DATA and 452 4.2.2 at RCPT when full, POP3 still
/// working on a full mailbox, and mail accepted again once POP3 QUIT deleted some.
/// </summary>
public sealed class QuotaOverSocketTests : IAsyncLifetime
{
    private const string User = "motriles";
    private const string Password = "jose";
    private static readonly string Body = new('q', 2000);
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(TestServer.Motriles, ("accounts.defaultQuota", "8k"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AFilledQuotaRefusesMailWhilePop3StillWorksAndDeletingMakesRoomAgain()
    {
        // About 2.3 KB stored per message (body plus trace header): three fit in the 8k default, a fourth does not.
        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith("250 2.0.0", await SendAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("552 5.2.2 Mailbox full", await SendAsync());

        // The admin lowers this user's quota below what the mailbox holds; the running server picks it up.
        Assert.Equal(0, await Cli("user", "quota", User, "4k"));
        await using (var smtp = await SmtpWithSender())
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            string reply;
            do
            {
                await smtp.SendLineAsync("RCPT TO:<motriles@fastmail.test>");
                reply = (await smtp.ReadLineAsync())!;
                if (reply.StartsWith("250", StringComparison.Ordinal))
                {
                    await smtp.SendLineAsync("RSET");
                    await smtp.ExpectAsync("250");
                    await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
                    await smtp.ExpectAsync("250");
                    await Task.Delay(100);
                }
            }
            while (!reply.StartsWith("452", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

            Assert.Equal("452 4.2.2 <motriles@fastmail.test>: Mailbox full", reply);
            await smtp.SendLineAsync("QUIT");
            await smtp.ExpectAsync("221");
        }

        // POP3 works on a full mailbox: read, delete everything, QUIT commits the deletes.
        await using (var pop = await LoggedInPop())
        {
            await pop.SendLineAsync("STAT");
            await pop.ExpectAsync("+OK 3 ");
            await pop.SendLineAsync("RETR 1");
            await pop.ExpectAsync("+OK");
            Assert.Contains(Body, await pop.ReadPop3BodyAsync());
            await pop.SendLineAsync("DELE 1");
            await pop.ExpectAsync("+OK");
            await pop.SendLineAsync("DELE 2");
            await pop.ExpectAsync("+OK");
            await pop.SendLineAsync("DELE 3");
            await pop.ExpectAsync("+OK");
            await pop.SendLineAsync("QUIT");
            await pop.ExpectAsync("+OK");
        }

        // An empty mailbox under a 4k quota: one message fits again, a second does not.
        Assert.StartsWith("250 2.0.0", await SendAsync(), StringComparison.Ordinal);
        Assert.Equal("552 5.2.2 Mailbox full", await SendAsync());

        // Clearing the user's quota brings back the 8k default, with room for the second message.
        Assert.Equal(0, await Cli("user", "quota", User, "--clear"));
        var reloaded = DateTime.UtcNow.AddSeconds(10);
        string last;
        while (!(last = await SendAsync()).StartsWith("250", StringComparison.Ordinal) && DateTime.UtcNow < reloaded)
        {
            Assert.Equal("552 5.2.2 Mailbox full", last);
            await Task.Delay(100);
        }

        Assert.StartsWith("250 2.0.0", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheQuotaCommandRefusesBadSizesAndUnknownUsers()
    {
        Assert.Equal(2, await Cli("user", "quota", User, "12x"));
        Assert.Equal(2, await Cli("user", "quota", User));
        Assert.Equal(2, await Cli("user", "quota", User, "5m", "--clear"));
        Assert.NotEqual(0, await Cli("user", "quota", "nobody", "5m"));
        Assert.Equal(0, await Cli("user", "quota", User, "100m"));
    }

    private Task<int> Cli(params string[] args) =>
        Program.Main([.. args, "--data-dir", _server.DataDirectory, "--set", "accounts.pbkdf2Iterations=4096", "--set", "primaryDomain=" + TestServer.Domain]);

    /// <summary>One message in its own session; returns the reply to RCPT when it is not 250, else the reply after DATA.</summary>
    private async Task<string> SendAsync()
    {
        await using var smtp = await SmtpWithSender();
        await smtp.SendLineAsync("RCPT TO:<motriles@fastmail.test>");
        var rcpt = (await smtp.ReadLineAsync())!;
        if (!rcpt.StartsWith("250", StringComparison.Ordinal))
        {
            return rcpt;
        }

        await smtp.SendLineAsync("DATA");
        await smtp.ExpectAsync("354");
        await smtp.SendRawAsync("Subject: fill\r\n\r\n" + Body + "\r\n.\r\n");
        var reply = (await smtp.ReadLineAsync())!;
        await smtp.SendLineAsync("QUIT");
        await smtp.ExpectAsync("221");
        return reply;
    }

    private async Task<LineClient> SmtpWithSender()
    {
        var client = await LineClient.ConnectAsync(_server.SmtpPort);
        await client.ExpectAsync("220 ");
        await client.SendLineAsync("HELO client.example");
        await client.ExpectAsync("250");
        await client.SendLineAsync("MAIL FROM:<a@example.org>");
        await client.ExpectAsync("250");
        return client;
    }

    private async Task<LineClient> LoggedInPop()
    {
        var client = await LineClient.ConnectAsync(_server.Pop3Port);
        await client.ExpectAsync("+OK");
        await client.SendLineAsync("USER " + User);
        await client.ExpectAsync("+OK");
        await client.SendLineAsync("PASS " + Password);
        await client.ExpectAsync("+OK");
        return client;
    }
}
