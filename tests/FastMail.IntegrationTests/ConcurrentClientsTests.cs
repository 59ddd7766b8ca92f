using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>200 clients at once, each sending to its own mailbox over SMTP and retrieving over POP3: every message arrives intact, once.</summary>
public sealed class ConcurrentClientsTests : IAsyncLifetime
{
    private const int Clients = 200;
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        var users = Enumerable.Range(0, Clients).Select(i => ($"user{i}", $"pw{i}")).ToArray();
        _server = TestServer.Start(users);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TwoHundredConcurrentClientsEachSendAndRetrieve()
    {
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(SendAndRetrieve));
    }

    private async Task SendAndRetrieve(int i)
    {
        var token = $"token-{i}-{Guid.NewGuid():N}";
        await using (var smtp = await LineClient.ConnectAsync(_server.SmtpPort))
        {
            await smtp.ExpectAsync("220");
            await smtp.SendRawAsync($"EHLO c{i}\r\nMAIL FROM:<c{i}@example.org>\r\nRCPT TO:<user{i}@{TestServer.Domain}>\r\nDATA\r\n");
            await smtp.ExpectSmtpAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync($"Subject: {token}\r\n\r\n{token}\r\n.\r\nQUIT\r\n");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("221");
        }

        await using var pop = await LineClient.ConnectAsync(_server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendRawAsync($"USER user{i}\r\nPASS pw{i}\r\nSTAT\r\nRETR 1\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK 1 ");
        await pop.ExpectAsync("+OK");
        var message = await pop.ReadPop3BodyAsync();
        Assert.Contains("Subject: " + token, message);
        Assert.Equal(token, message[^1]);
        await pop.SendRawAsync("DELE 1\r\nQUIT\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");
    }
}
