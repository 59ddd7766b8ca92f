using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// SIGHUP reload over real sockets: the in-process server re-reads its configuration file through the same
/// <c>ConfigReloader.Reload</c> the signal handler calls; new connections see the new limits, relay networks and
/// certificate, sessions already open keep theirs, and a bad file changes nothing.
/// </summary>
public sealed class ConfigReloadTests
{
    [Fact]
    public async Task NewMaxMessageSizeIsAdvertisedToNewConnectionsWhileAnOpenSessionKeepsItsOwn()
    {
        await using var server = ReloadableServer.Start(new JsonObject { ["smtp"] = new JsonObject { ["maxMessageSize"] = "1m" } });
        await using var before = await GreetedAsync(server.SmtpPort);
        Assert.Contains("250-SIZE 1048576", await EhloAsync(before));

        server.Rewrite(new JsonObject { ["smtp"] = new JsonObject { ["maxMessageSize"] = "2m" } });
        var result = server.Reload();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["smtp.maxMessageSize"], result.Applied.Select(c => c.Key.Name));
        await using var after = await GreetedAsync(server.SmtpPort);
        Assert.Contains("250-SIZE 2097152", await EhloAsync(after));
        Assert.Contains("250-SIZE 1048576", await EhloAsync(before));
        Assert.Contains(server.Log.Lines, line => line.Contains("smtp.maxMessageSize changed from '1m' to '2m': applied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReloadedTrustedNetworksFlipTheRelayDecisionForTheSameClient()
    {
        JsonObject Relay(string networks) => new() { ["relay"] = new JsonObject { ["allowRelay"] = true, ["trustedNetworks"] = networks } };
        await using var server = ReloadableServer.Start(Relay("192.0.2.0/24"));
        Assert.StartsWith("554 5.7.1", await ForeignRecipientReplyAsync(server.SmtpPort));

        server.Rewrite(Relay("127.0.0.0/8"));
        Assert.True(server.Reload().Succeeded);
        Assert.StartsWith("250 2.1.5", await ForeignRecipientReplyAsync(server.SmtpPort));

        server.Rewrite(Relay("192.0.2.0/24"));
        Assert.True(server.Reload().Succeeded);
        Assert.StartsWith("554 5.7.1", await ForeignRecipientReplyAsync(server.SmtpPort));
    }

    [Fact]
    public async Task LoweredPerIpLimitRefusesTheNextConnection()
    {
        JsonObject Limit(int perIp) => new() { ["limits"] = new JsonObject { ["maxConnectionsPerIp"] = perIp } };
        await using var server = ReloadableServer.Start(Limit(1000));
        await using var first = await GreetedAsync(server.SmtpPort);

        server.Rewrite(Limit(1));
        Assert.True(server.Reload().Succeeded);

        await using var second = await LineClient.ConnectAsync(server.SmtpPort);
        await second.ExpectAsync("421 4.7.0");
        Assert.True(await second.IsClosedAsync());
        await first.SendLineAsync("NOOP");
        await first.ExpectAsync("250");
    }

    [Fact]
    public async Task RenewedCertificateInTheSameFilesIsServedToNewStartTlsImplicitTlsAndHttpsClients()
    {
        var certificates = TempDirectory.Create("reload-cert");
        try
        {
            var now = DateTimeOffset.UtcNow;
            var first = PemCertificateFiles.Write(certificates, "mail.fastmail.test", now.AddDays(-1), now.AddDays(30));
            var file = new JsonObject
            {
                ["tls"] = new JsonObject { ["certificate"] = first.CertificatePath, ["key"] = first.KeyPath },
                ["web"] = new JsonObject { ["httpsListen"] = "127.0.0.1:0" },
            };
            await using var server = ReloadableServer.Start(file);
            Assert.Equal(first.Thumbprint, await StartTlsThumbprintAsync(server.SmtpPort));
            Assert.Equal(first.Thumbprint, await ImplicitTlsThumbprintAsync(server.WebHttpsPort));

            // certbot-style renewal: new contents, same paths, then SIGHUP.
            var renewed = PemCertificateFiles.Write(certificates, "mail.fastmail.test", now.AddDays(-1), now.AddDays(90));
            var result = server.Reload();

            Assert.True(result.Succeeded, result.Error);
            Assert.Equal(renewed.Thumbprint, result.NewCertificateThumbprint);
            Assert.Equal(renewed.Thumbprint, await StartTlsThumbprintAsync(server.SmtpPort));
            Assert.Equal(renewed.Thumbprint, await ImplicitTlsThumbprintAsync(server.SmtpsPort));
            Assert.Equal(renewed.Thumbprint, await ImplicitTlsThumbprintAsync(server.WebHttpsPort));
        }
        finally
        {
            TempDirectory.DeleteQuietly(certificates);
        }
    }

    [Theory]
    [InlineData("{ \"smtp\": { \"maxMessageSize\": \"lots\" } }", "smtp.maxMessageSize")]
    [InlineData("{ \"smtp\": { \"maxMessageSize\": \"2m\" ", "not valid JSON")]
    [InlineData("{ \"smtp\": { \"maxMessageSize\": \"2m\" }, \"relay\": { \"trustedNetworks\": \"10.0.0.0/33\" } }", "relay.trustedNetworks")]
    [InlineData("{ \"smtp\": { \"maxMessageSize\": \"2m\" }, \"tls\": { \"certificate\": \"/nonexistent/cert.pem\", \"key\": \"/nonexistent/key.pem\" } }", "/nonexistent/")]
    public async Task BadConfigurationIsRefusedAndTheServerKeepsItsSettings(string badFile, string named)
    {
        await using var server = ReloadableServer.Start(new JsonObject { ["smtp"] = new JsonObject { ["maxMessageSize"] = "1m" } });
        File.WriteAllText(server.ConfigFile, badFile);

        var result = server.Reload();

        Assert.False(result.Succeeded);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.Contains(server.Log.Lines, line => line.StartsWith("Error: Configuration reload failed, the server keeps its current settings", StringComparison.Ordinal));
        await using var smtp = await GreetedAsync(server.SmtpPort);
        Assert.Contains("250-SIZE 1048576", await EhloAsync(smtp));
    }

    [Fact]
    public async Task ChangedListenAddressIsReportedAsNeedingARestartAndTheServerKeepsItsPort()
    {
        JsonObject Listen(string address) => new() { ["smtp"] = new JsonObject { ["listen"] = address, ["maxRecipients"] = 100 } };
        await using var server = ReloadableServer.Start(Listen("127.0.0.1:0"));
        var port = server.SmtpPort;

        server.Rewrite(Listen("127.0.0.2:0"));
        var result = server.Reload();

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["smtp.listen"], result.NeedsRestart.Select(c => c.Key.Name));
        Assert.Empty(result.Applied);
        Assert.Contains(server.Log.Lines, line => line.Contains("smtp.listen changed from '127.0.0.1:0' to '127.0.0.2:0': needs a restart", StringComparison.Ordinal));
        Assert.Equal(port, server.SmtpPort);
        await using var smtp = await GreetedAsync(port);

        // Still waiting for the restart: the next reload says so again.
        Assert.Equal(["smtp.listen"], server.Reload().NeedsRestart.Select(c => c.Key.Name));
    }

    [Fact]
    public async Task SighupMakesTheServeProcessReloadItsConfigurationFile()
    {
        var directory = TempDirectory.Create("reload-process");
        try
        {
            var dataDirectory = Path.Combine(directory, "data");
            var configFile = Path.Combine(directory, "fastmail.json");
            WriteMaxMessageSize(configFile, "1m");
            await using var server = await ServerProcess.StartAsync(dataDirectory, "--config", configFile);
            await using (var before = await GreetedAsync(server.SmtpPort))
            {
                Assert.Contains("250-SIZE 1048576", await EhloAsync(before));
            }

            Assert.True(await server.WaitForLogAsync(" ready in ", TimeSpan.FromSeconds(30)), server.Log);
            WriteMaxMessageSize(configFile, "3m");
            server.Signal(1); // SIGHUP

            Assert.True(await server.WaitForLogAsync("Configuration reloaded", TimeSpan.FromSeconds(30)), server.Log);
            Assert.Contains("smtp.maxMessageSize changed from '1m' to '3m': applied", server.Log, StringComparison.Ordinal);
            await ExpectThreeMegabytesThenStopAsync(server);
        }
        finally
        {
            TempDirectory.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task SighupWhileTheServerIsStartingIsKeptAndReloadsOnceItIsReady()
    {
        var directory = TempDirectory.Create("reload-starting");
        try
        {
            var configFile = Path.Combine(directory, "fastmail.json");
            for (var attempt = 1; ; attempt++)
            {
                WriteMaxMessageSize(configFile, "1m");
                var dataDirectory = Path.Combine(directory, $"data{attempt}");
                await using var server = await ServerProcess.LaunchAsync(dataDirectory, new Dictionary<string, string>(), underNohup: false, "--config", configFile);
                // The pid file is opened inside the start, after the configuration was read and before "ready": the
                // operator edits the file a moment too late and sends SIGHUP (the runtime's default would end the process).
                await WaitUntilOpenAsync(server, Path.Combine(dataDirectory, "fastmail.pid"));
                WriteMaxMessageSize(configFile, "3m");
                server.Signal(1); // SIGHUP

                await server.WaitUntilListeningAsync();
                Assert.True(await server.WaitForLogAsync(" ready in ", TimeSpan.FromSeconds(30)), server.Log);
                if (!server.Log.Contains("SIGHUP during start-up", StringComparison.Ordinal))
                {
                    // The start won the race and the signal came after "ready" (the other test's case): try again.
                    Assert.True(attempt < 5, "the SIGHUP never arrived during start-up in 5 tries:\n" + server.Log);
                    continue;
                }

                Assert.True(await server.WaitForLogAsync("Configuration reloaded", TimeSpan.FromSeconds(30)), server.Log);
                Assert.Contains("smtp.maxMessageSize changed from '1m' to '3m': applied", server.Log, StringComparison.Ordinal);
                await ExpectThreeMegabytesThenStopAsync(server);
                return;
            }
        }
        finally
        {
            TempDirectory.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task SighupReloadsAServerStartedWithHangUpsIgnored()
    {
        // nohup really hands its command SIGHUP ignored here (bit 0 of SigIgn is signal 1)...
        var (exitCode, status) = await ExternalProcess.RunAsync("nohup", ["grep", "^SigIgn:", "/proc/self/status"], timeout: TimeSpan.FromSeconds(10));
        Assert.Equal(0, exitCode);
        var ignored = status.Split('\n').Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal));
        Assert.True((Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & 1) == 1, status);

        // ...and a server started that way still reloads on SIGHUP (the runtime alone would keep ignoring it).
        var directory = TempDirectory.Create("reload-nohup");
        try
        {
            var dataDirectory = Path.Combine(directory, "data");
            var configFile = Path.Combine(directory, "fastmail.json");
            WriteMaxMessageSize(configFile, "1m");
            await using var server = await ServerProcess.LaunchAsync(dataDirectory, new Dictionary<string, string>(), underNohup: true, "--config", configFile);
            await server.WaitUntilListeningAsync();
            Assert.True(await server.WaitForLogAsync(" ready in ", TimeSpan.FromSeconds(30)), server.Log);
            WriteMaxMessageSize(configFile, "3m");
            server.Signal(1); // SIGHUP

            Assert.True(await server.WaitForLogAsync("Configuration reloaded", TimeSpan.FromSeconds(30)), server.Log);
            await ExpectThreeMegabytesThenStopAsync(server);
        }
        finally
        {
            TempDirectory.DeleteQuietly(directory);
        }
    }

    private static void WriteMaxMessageSize(string configFile, string size) =>
        File.WriteAllText(configFile, $"{{ \"smtp\": {{ \"maxMessageSize\": \"{size}\" }} }}");

    /// <summary>After the reload from 1m to 3m: a new connection is offered 3 MB, and SIGTERM still ends the process cleanly.</summary>
    private static async Task ExpectThreeMegabytesThenStopAsync(ServerProcess server)
    {
        await using var smtp = await GreetedAsync(server.SmtpPort);
        Assert.Contains("250-SIZE 3145728", await EhloAsync(smtp));
        Assert.Equal(0, await server.TerminateAsync());
    }

    private static async Task WaitUntilOpenAsync(ServerProcess server, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!HoldsOpen(server.ProcessId, path))
        {
            Assert.False(server.HasExited || DateTime.UtcNow > deadline, $"the server never opened {path}:\n{server.Log}");
            await Task.Delay(1);
        }
    }

    private static bool HoldsOpen(int processId, string path)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{processId}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (IOException)
        {
            return false; // a descriptor closed while we looked, or the process is gone (the caller checks)
        }
    }

    private static async Task<LineClient> GreetedAsync(int port)
    {
        var smtp = await LineClient.ConnectAsync(port);
        await smtp.ExpectAsync("220");
        return smtp;
    }

    private static async Task<List<string>> EhloAsync(LineClient smtp)
    {
        await smtp.SendLineAsync("EHLO client.example");
        return await smtp.ExpectSmtpAsync("250");
    }

    private static async Task<string> ForeignRecipientReplyAsync(int port)
    {
        await using var smtp = await GreetedAsync(port);
        await EhloAsync(smtp);
        await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
        await smtp.ExpectAsync("250");
        await smtp.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
        return await smtp.ReadLineAsync() ?? "(closed)";
    }

    /// <summary>EHLO, STARTTLS, handshake: the thumbprint of the certificate the server presented.</summary>
    private static async Task<string> StartTlsThumbprintAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        async Task<string> ReplyAsync()
        {
            string line;
            do
            {
                line = await reader.ReadLineAsync() ?? throw new EndOfStreamException();
            }
            while (line.Length > 3 && line[3] == '-');
            return line;
        }

        Assert.StartsWith("220", await ReplyAsync());
        await stream.WriteAsync("EHLO client.example\r\n"u8.ToArray());
        Assert.StartsWith("250", await ReplyAsync());
        await stream.WriteAsync("STARTTLS\r\n"u8.ToArray());
        Assert.StartsWith("220", await ReplyAsync());
        return await HandshakeThumbprintAsync(stream);
    }

    private static async Task<string> ImplicitTlsThumbprintAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return await HandshakeThumbprintAsync(client.GetStream());
    }

    private static async Task<string> HandshakeThumbprintAsync(Stream stream)
    {
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true, (_, certificate, _, _) => certificate is not null); // self-signed test certificates: the test compares thumbprints itself
        await tls.AuthenticateAsClientAsync("mail.fastmail.test");
        return tls.RemoteCertificate!.GetCertHashString();
    }
}
