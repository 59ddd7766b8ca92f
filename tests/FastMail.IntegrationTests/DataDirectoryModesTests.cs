using System.Text.RegularExpressions;
using FastMail.IntegrationTests.Harness;
using FastMail.Testing;

namespace FastMail.IntegrationTests;

/// <summary>
/// Mail is private: the published binary, started with umask 000, creates its data directory and every file in it
/// (accounts, locks, pid, TLS, log segments, commit slots, checkpoints) owner-only, and warns at start, in one line
/// naming a path, about an existing data directory that others can read.
/// </summary>
[Collection(ProcessUmaskCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class DataDirectoryModesTests : IDisposable
{
    private readonly string _parent = TempDirectory.Create("it");

    private string DataDirectory => Path.Combine(_parent, "data");

    public void Dispose() => TempDirectory.DeleteQuietly(_parent);

    [Fact]
    public async Task EverythingTheServerWritesIsOwnerOnlyEvenUnderUmask000()
    {
        using (ProcessUmask.Permissive())
        {
            await CliAsync("user", "add", "motriles", "--password", "jose");
            await using var server = await ServerProcess.StartAsync(DataDirectory);
            await DeliverAndReadAsync(server);
            Assert.Equal(0, await server.TerminateAsync());
            Assert.DoesNotMatch(SharedWarning(), server.Log);
        }

        var names = Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(DataDirectory, f)).ToList();
        Assert.Contains("accounts.json", names);
        Assert.Contains("fastmail.pid", names);
        Assert.Contains(Path.Combine("mail", "mail.log.0"), names);
        Assert.Contains(Path.Combine("mail", "commit-slot-0"), names);
        Assert.Contains(Path.Combine("mail", "kv", "index.log.0"), names);
        Assert.Contains(names, n => n.StartsWith(Path.Combine("mail", "kv", "checkpoints", "cpr-checkpoints"), StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("tls" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.Empty(ProcessUmask.NotOwnerOnly(DataDirectory));
    }

    [Fact]
    public async Task AnExistingDataDirectoryOthersCanReadGetsOneWarningNamingAPath()
    {
        await CliAsync("user", "add", "motriles", "--password", "jose");
        File.SetUnixFileMode(DataDirectory, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(Path.Combine(DataDirectory, "accounts.json"), (UnixFileMode)Convert.ToInt32("644", 8));

        await using var server = await ServerProcess.StartAsync(DataDirectory);

        var warnings = SharedWarning().Matches(server.Log);
        Assert.Single(warnings);
        Assert.Contains(DataDirectory, warnings[0].Value, StringComparison.Ordinal);
        Assert.Contains("chmod -R go-rwx", warnings[0].Value, StringComparison.Ordinal);
    }

    private static async Task DeliverAndReadAsync(ServerProcess server)
    {
        await using (var smtp = await LineClient.ConnectAsync(server.SmtpPort))
        {
            await smtp.ExpectAsync("220");
            await smtp.SendRawAsync("HELO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles@" + TestServer.Domain + ">\r\nDATA\r\n");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync("Subject: private\r\n\r\nsecret text\r\n.\r\nQUIT\r\n");
            await smtp.ExpectAsync("250");
        }

        await using var pop = await LineClient.ConnectAsync(server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendRawAsync("USER motriles\r\nPASS jose\r\nSTAT\r\nQUIT\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");
        Assert.Equal("+OK 1", string.Join(' ', (await pop.ExpectAsync("+OK 1")).Split(' ')[..2]));
    }

    private async Task CliAsync(params string[] arguments)
    {
        var (exitCode, output) = await ExternalProcess.RunAsync(
            await AotBinary.GetAsync(),
            arguments.Concat(["--data-dir", DataDirectory, "--set", "accounts.pbkdf2Iterations=4096", "--set", "primaryDomain=" + TestServer.Domain]),
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, output);
    }

    [GeneratedRegex(@"Mail is readable by other local users: .*")]
    private static partial Regex SharedWarning();
}
