using System.Text;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// The published native-AOT binary, as a user runs it: the tutorial round trip, acknowledged mail surviving kill -9,
/// account commands while the server runs, graceful SIGTERM, and configuration errors before anything listens.
/// </summary>
public sealed class AotBinaryTests : IAsyncLifetime
{
    private string _dataDirectory = null!;

    public async Task InitializeAsync()
    {
        _dataDirectory = TempDirectory.Create("it");
        await Cli("user", "add", "motriles", "--password", "jose");
    }

    public Task DisposeAsync()
    {
        TempDirectory.DeleteQuietly(_dataDirectory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TutorialRoundTripWorksAgainstThePublishedBinary()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory);
        var sent = await SendAsync(server.SmtpPort, "aot round trip", "hello from the AOT test\r\n.dot line\r\n");
        var messages = await RetrieveAllAsync(server.Pop3Port, delete: true);
        Assert.Single(messages);
        Assert.EndsWith(sent, messages[0], StringComparison.Ordinal);
        Assert.Empty(await RetrieveAllAsync(server.Pop3Port, delete: false));
    }

    [Fact]
    public async Task EveryAcknowledgedMessageSurvivesKillMinus9()
    {
        const int Count = 40;
        var sent = new List<string>();
        await using (var server = await ServerProcess.StartAsync(_dataDirectory))
        {
            // Concurrent senders so acknowledgements share group commits; kill -9 the instant the last 250 arrives.
            var bodies = await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
                SendAsync(server.SmtpPort, $"durable {i}", $"message {i}\r\n{new string((char)('a' + (i % 26)), 100 + (i * 37))}\r\n")));
            await server.KillAsync();
            sent.AddRange(bodies);
        }

        await using (var restarted = await ServerProcess.StartAsync(_dataDirectory))
        {
            var stored = await RetrieveAllAsync(restarted.Pop3Port, delete: false);
            Assert.Equal(Count, stored.Count);
            foreach (var body in sent)
            {
                Assert.Single(stored, message => message.EndsWith(body, StringComparison.Ordinal));
            }

            // Deletes acknowledged by QUIT survive kill -9 too, and nothing comes back.
            await RetrieveAllAsync(restarted.Pop3Port, delete: true);
            await restarted.KillAsync();
        }

        await using var third = await ServerProcess.StartAsync(_dataDirectory);
        Assert.Empty(await RetrieveAllAsync(third.Pop3Port, delete: false));
    }

    [Fact]
    public async Task UserAddedWhileTheServerRunsCanLogInAndReceive()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory);
        await Cli("user", "add", "newcomer", "--password", "fresh-secret");
        var listed = await Cli("user", "list");
        Assert.Contains("newcomer", listed.Split('\n'));

        // The running server picks up the account file within its reload interval.
        string? reply = null;
        for (var attempt = 0; attempt < 50 && reply?.StartsWith("250", StringComparison.Ordinal) != true; attempt++)
        {
            await using var smtp = await LineClient.ConnectAsync(server.SmtpPort);
            await smtp.ExpectAsync("220");
            await smtp.SendRawAsync("HELO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<newcomer@" + TestServer.Domain + ">\r\n");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            reply = await smtp.ReadLineAsync();
            if (reply?.StartsWith("250", StringComparison.Ordinal) != true)
            {
                await Task.Delay(100);
            }
        }

        Assert.StartsWith("250", reply, StringComparison.Ordinal);
        await using var pop = await LineClient.ConnectAsync(server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendRawAsync("USER newcomer\r\nPASS fresh-secret\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");

        await Cli("user", "passwd", "newcomer", "--password", "changed");
        await Cli("user", "del", "newcomer");
        Assert.DoesNotContain("newcomer", (await Cli("user", "list")).Split('\n'));
    }

    [Fact]
    public async Task SigtermStopsGracefullyTellingIdleSessions421()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory);
        await using var idle = await LineClient.ConnectAsync(server.SmtpPort);
        await idle.ExpectAsync("220");
        await idle.SendLineAsync("EHLO idle.example");
        await idle.ExpectSmtpAsync("250");
        var exit = server.TerminateAsync();
        await idle.ExpectAsync("421");
        Assert.Equal(0, await exit);
    }

    [Theory]
    [InlineData("smtp.maxMessageSize=lots", "smtp.maxMessageSize")]
    [InlineData("smtp.listen=nowhere", "smtp.listen")]
    [InlineData("pop3.idleTimeout=-5", "pop3.idleTimeout")]
    [InlineData("no.such.key=1", "no.such.key")]
    public async Task InvalidConfigurationFailsBeforeListeningNamingTheKey(string setting, string key)
    {
        var binary = await AotBinary.GetAsync();
        var (exitCode, output) = await ExternalProcess.RunAsync(binary, ["serve", "--data-dir", _dataDirectory, "--set", setting], timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, exitCode);
        Assert.Contains(key, output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortAlreadyInUseIsAClearErrorNotACrash()
    {
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var arguments = ServerProcess.ServeArguments(_dataDirectory).Concat(["--set", $"smtp.listen=127.0.0.1:{port}"]);
        var (exitCode, output) = await ExternalProcess.RunAsync(await AotBinary.GetAsync(), arguments, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(1, exitCode);
        Assert.Contains($"127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfigurationFileFailsNamingTheKey()
    {
        var config = Path.Combine(_dataDirectory, "bad.json");
        await File.WriteAllTextAsync(config, """{ "smtp": { "maxRecipients": "many" } }""");
        var (exitCode, output) = await ExternalProcess.RunAsync(await AotBinary.GetAsync(), ["serve", "--config", config], timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(2, exitCode);
        Assert.Contains("smtp.maxRecipients", output, StringComparison.Ordinal);
        Assert.Contains(config, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionAndHelpAnswer()
    {
        var binary = await AotBinary.GetAsync();
        var (versionExit, version) = await ExternalProcess.RunAsync(binary, ["version"]);
        Assert.Equal(0, versionExit);
        Assert.StartsWith("fastmail ", version, StringComparison.Ordinal);
        foreach (var command in new[] { "serve", "user", "domain", "config" })
        {
            var (exitCode, help) = await ExternalProcess.RunAsync(binary, [command, "--help"]);
            Assert.Equal(0, exitCode);
            Assert.Contains("Usage: fastmail " + command, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ConfigCommandPrintsDefaultsThatServeAcceptsAsAFile()
    {
        var binary = await AotBinary.GetAsync();
        var (exitCode, defaults) = await ExternalProcess.RunAsync(binary, ["config"]);
        Assert.Equal(0, exitCode);
        Assert.Contains("\"maxMessageSize\": \"25m\"", defaults, StringComparison.Ordinal);
        var file = Path.Combine(_dataDirectory, "defaults.json");
        await File.WriteAllTextAsync(file, defaults);
        var (checkExit, output) = await ExternalProcess.RunAsync(binary, ["config", "--config", file, "--set", "smtp.maxRecipients=7"]);
        Assert.True(checkExit == 0, output);
        Assert.Contains("\"maxRecipients\": \"7\"", output, StringComparison.Ordinal);
    }

    private async Task<string> Cli(params string[] arguments)
    {
        var (exitCode, output) = await ExternalProcess.RunAsync(
            await AotBinary.GetAsync(),
            arguments.Concat(["--data-dir", _dataDirectory, "--set", "accounts.pbkdf2Iterations=4096", "--set", "primaryDomain=" + TestServer.Domain]),
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"fastmail {string.Join(' ', arguments)} failed: {output}");
        return output;
    }

    /// <summary>Sends one message over raw SMTP; returns the exact body text sent (after the header block).</summary>
    private static async Task<string> SendAsync(int port, string subject, string body)
    {
        await using var smtp = await LineClient.ConnectAsync(port);
        await smtp.ExpectAsync("220");
        await smtp.SendRawAsync("EHLO aot.example\r\nMAIL FROM:<motriles>\r\nRCPT TO:<motriles>\r\nDATA\r\n");
        await smtp.ExpectSmtpAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("354");
        var content = $"Subject: {subject}\r\n\r\n{body}";
        var stuffed = content.Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        await smtp.SendRawAsync(stuffed + ".\r\n");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("QUIT");
        await smtp.ExpectAsync("221");
        return content;
    }

    private static async Task<List<string>> RetrieveAllAsync(int port, bool delete)
    {
        await using var pop = await LineClient.ConnectAsync(port);
        await pop.ExpectAsync("+OK");
        await pop.SendRawAsync("USER motriles\r\nPASS jose\r\nSTAT\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");
        var count = int.Parse((await pop.ExpectAsync("+OK")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var messages = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            await pop.SendLineAsync($"RETR {i}");
            await pop.ExpectAsync("+OK");
            var lines = await pop.ReadPop3BodyAsync();
            messages.Add(new StringBuilder().AppendJoin("\r\n", lines).Append("\r\n").ToString());
            if (delete)
            {
                await pop.SendLineAsync($"DELE {i}");
                await pop.ExpectAsync("+OK");
            }
        }

        await pop.SendLineAsync("QUIT");
        await pop.ExpectAsync("+OK");
        return messages;
    }
}
