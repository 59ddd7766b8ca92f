using System.Net;
using System.Net.Sockets;
using FastMail.Check;
using FastMail.Cli;
using FastMail.Configuration;
using FastMail.Hosting.Admin;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Check;

/// <summary>`fastmail check`: each check against the condition it is there to catch.</summary>
public sealed class ServerChecksTests : IDisposable
{
    private readonly string _root = TempDirectory.Create("check");

    private string DataDirectory => Path.Combine(_root, "data");

    public void Dispose() => TempDirectory.DeleteQuietly(_root);

    [Fact]
    public void BadConfigValueFailsTheConfigurationCheckAndNothingElseRuns()
    {
        var results = ServerChecks.Run(() => Load(("smtp.maxMessageSize", "lots")), DateTimeOffset.UtcNow);

        var only = Assert.Single(results);
        Assert.Equal(CheckStatus.Fail, only.Status);
        Assert.Contains("smtp.maxMessageSize", only.Message, StringComparison.Ordinal);
        Assert.StartsWith("FAIL configuration: ", only.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckCommandExitsOneWhenAnyCheckFailsAndZeroOtherwise()
    {
        Directory.CreateDirectory(DataDirectory);
        string[] listen = ["--set", "smtp.listen=127.0.0.1:0", "--set", "smtp.submissionListen=", "--set", "smtp.smtpsListen=", "--set", "pop3.listen=127.0.0.1:0", "--set", "pop3.pop3sListen=", "--set", "web.listen=", "--set", "storage.minFreeSpace=1k"];
        Assert.Equal(1, CheckCommand.Run(Arguments.Parse(["check", "--data-dir", DataDirectory, .. listen, "--set", "smtp.maxRecipients=0"])));
        Assert.Equal(0, CheckCommand.Run(Arguments.Parse(["check", "--data-dir", DataDirectory, .. listen])));
    }

    [Fact]
    public void FreePortCanBeBound()
    {
        var results = ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow);

        Assert.Contains(results, r => r.Name == "listen smtp.listen 127.0.0.1:0" && r.Status == CheckStatus.Ok);
    }

    [Fact]
    public void PortHeldByAnotherProcessFails()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var results = ServerChecks.Run(() => Load(("smtp.listen", $"127.0.0.1:{port}")), DateTimeOffset.UtcNow);

        var line = Assert.Single(results, r => r.Name == $"listen smtp.listen 127.0.0.1:{port}");
        Assert.Equal(CheckStatus.Fail, line.Status);
        Assert.Contains("another process", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortHeldByTheServerRunningOnThisDataDirectoryIsOk()
    {
        Directory.CreateDirectory(DataDirectory);
        var admin = new AdminSocketServer(DataDirectory, NullLogger.Instance);
        admin.Start();
        try
        {
            using var ours = new TcpListener(IPAddress.Loopback, 0);
            ours.Start();
            var port = ((IPEndPoint)ours.LocalEndpoint).Port;

            var results = ServerChecks.Run(() => Load(("smtp.listen", $"127.0.0.1:{port}")), DateTimeOffset.UtcNow);

            var line = Assert.Single(results, r => r.Name == $"listen smtp.listen 127.0.0.1:{port}");
            Assert.Equal(CheckStatus.Ok, line.Status);
            Assert.Contains("in use by the FastMail server running on", line.Message, StringComparison.Ordinal);
        }
        finally
        {
            await admin.StopAsync();
        }
    }

    [Fact]
    public void PrivilegedPortDeniedExplainsCapNetBindService()
    {
        var line = ListenAddressCheck.Judge("smtp.listen", new IPEndPoint(IPAddress.Any, 25), SocketError.AccessDenied, () => false, DataDirectory);

        Assert.Equal(CheckStatus.Fail, line.Status);
        Assert.Contains("CAP_NET_BIND_SERVICE", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredCertificateFails()
    {
        var now = DateTimeOffset.UtcNow;
        var (certificate, key, _) = PemCertificateFiles.Write(_root, "mail.fastmail.test", now.AddDays(-90), now.AddDays(-1));

        var line = TlsLine(now, certificate, key);

        Assert.Equal(CheckStatus.Fail, line.Status);
        Assert.Contains("expired", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateExpiringWithinThirtyDaysWarns()
    {
        var now = DateTimeOffset.UtcNow;
        var (certificate, key, _) = PemCertificateFiles.Write(_root, "mail.fastmail.test", now.AddDays(-60), now.AddDays(10));

        var line = TlsLine(now, certificate, key);

        Assert.Equal(CheckStatus.Warn, line.Status);
        Assert.Contains("expires in 10 days", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateForAnotherHostWarns()
    {
        var now = DateTimeOffset.UtcNow;
        var (certificate, key, _) = PemCertificateFiles.Write(_root, "other.example", now.AddDays(-1), now.AddDays(300));

        var line = TlsLine(now, certificate, key);

        Assert.Equal(CheckStatus.Warn, line.Status);
        Assert.Contains("does not cover the host name mail.fastmail.test", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidCertificateWithItsKeyIsOk()
    {
        var now = DateTimeOffset.UtcNow;
        var (certificate, key, _) = PemCertificateFiles.Write(_root, "mail.fastmail.test", now.AddDays(-1), now.AddDays(300));

        Assert.Equal(CheckStatus.Ok, TlsLine(now, certificate, key).Status);
    }

    [Fact]
    public void CertificateWithAnotherCertificatesKeyFails()
    {
        var now = DateTimeOffset.UtcNow;
        var (certificate, _, _) = PemCertificateFiles.Write(_root, "mail.fastmail.test", now.AddDays(-1), now.AddDays(300), "first");
        var (_, otherKey, _) = PemCertificateFiles.Write(_root, "mail.fastmail.test", now.AddDays(-1), now.AddDays(300), "second");

        Assert.Equal(CheckStatus.Fail, TlsLine(now, certificate, otherKey).Status);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void GroupReadableDataDirectoryWarnsAndOwnerOnlyIsOk()
    {
        Directory.CreateDirectory(DataDirectory);
        File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var shared = Assert.Single(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "data directory mode");
        Assert.Equal(CheckStatus.Warn, shared.Status);
        Assert.Contains("0755", shared.Message, StringComparison.Ordinal);

        File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var owner = Assert.Single(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "data directory mode");
        Assert.Equal(CheckStatus.Ok, owner.Status);
        Assert.Contains(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "data directory" && r.Message.EndsWith("is writable", StringComparison.Ordinal));
        Assert.DoesNotContain(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "data directory owner");
    }

    [Fact]
    public void MissingDataDirectoryWillBeCreated()
    {
        var line = Assert.Single(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "data directory");

        Assert.Equal(CheckStatus.Ok, line.Status);
        Assert.Contains("will be created", line.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDirectory));
    }

    [Theory]
    [InlineData(99, 100, "FAIL")]
    [InlineData(150, 100, "WARN")]
    [InlineData(200, 100, "OK")]
    public void FreeSpaceIsJudgedAgainstMinFree(long free, long minFree, string expected) =>
        Assert.Equal(expected, FreeSpaceCheck.Judge(free << 20, minFree << 20, "/data").ToString().Split(' ')[0]);

    [Fact]
    public void MinFreeAboveTheDiskFails()
    {
        var line = Assert.Single(ServerChecks.Run(() => Load(("storage.minFreeSpace", "1000000g")), DateTimeOffset.UtcNow), r => r.Name == "free space");

        Assert.Equal(CheckStatus.Fail, line.Status);
    }

    [Fact]
    public void CorruptAccountsFileFailsAndAGoodOneIsOk()
    {
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(Path.Combine(DataDirectory, "accounts.json"), "{ not json");
        Assert.Equal(CheckStatus.Fail, Assert.Single(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "accounts").Status);

        File.Delete(Path.Combine(DataDirectory, "accounts.json"));
        Assert.Equal(CheckStatus.Warn, Assert.Single(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "accounts").Status);

        new FastMail.Accounts.AccountAdmin(new FastMail.Accounts.AccountsOptions { DataDirectory = DataDirectory, PrimaryDomain = "fastmail.test", Pbkdf2Iterations = 4096 }).AddUser("motriles", "jose");
        var good = Assert.Single(ServerChecks.Run(() => Load(), DateTimeOffset.UtcNow), r => r.Name == "accounts");
        Assert.Equal(CheckStatus.Ok, good.Status);
        Assert.Contains("1 user(s)", good.Message, StringComparison.Ordinal);
    }

    private CheckResult TlsLine(DateTimeOffset now, string certificate, string key)
    {
        var results = ServerChecks.Run(() => Load(("tls.certificate", certificate), ("tls.key", key)), now);
        return Assert.Single(results, r => r.Name == "tls certificate");
    }

    /// <summary>Only loopback port-0 listeners (no fixed port is touched), the data directory under the test's temp root.</summary>
    private ConfigValues Load(params (string Key, string Value)[] overrides)
    {
        var all = new List<KeyValuePair<string, string>>
        {
            new("dataDirectory", DataDirectory),
            new("hostName", "mail.fastmail.test"),
            new("primaryDomain", "fastmail.test"),
            new("smtp.listen", "127.0.0.1:0"),
            new("smtp.submissionListen", ""),
            new("smtp.smtpsListen", ""),
            new("pop3.listen", "127.0.0.1:0"),
            new("pop3.pop3sListen", ""),
            new("web.listen", ""),
            new("storage.minFreeSpace", "1k"),
        };
        all.AddRange(overrides.Select(o => new KeyValuePair<string, string>(o.Key, o.Value)));
        return ConfigLoader.Load(null, all, _ => null);
    }
}
