using System.Runtime.Versioning;
using FastMail.Configuration;
using FastMail.Install;

namespace FastMail.Tests.Install;

/// <summary>
/// `fastmail install` and `uninstall` into a temporary root (its own etc/passwd, group, shadow, gshadow), in-process
/// with a stand-in binary: every file, owner and mode; the second run; an upgrade; what uninstall keeps.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InstallerTests : IDisposable
{
    private readonly TempSystemRoot _root = new();
    private readonly TempDirectory _build = new("build");

    public void Dispose()
    {
        _root.Dispose();
        _build.Dispose();
    }

    private string Binary(string content)
    {
        var path = _build.File(Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        return path;
    }

    private string Install(string binary, string? domain = "example.org", string? hostName = "mail.example.org")
    {
        using var output = new StringWriter();
        Assert.Equal(0, Installer.Run(new InstallOptions(_root.Path, binary, domain, hostName, ManageService: false), output));
        return output.ToString();
    }

    private string Uninstall()
    {
        using var output = new StringWriter();
        Assert.Equal(0, Uninstaller.Run(_root.Path, manageService: false, output));
        return output.ToString();
    }

    [Fact]
    public void AFreshInstallLaysOutEveryFile()
    {
        var binary = Binary("binary v1");

        var output = Install(binary);

        var uid = _root.IdOf("passwd", "fastmail");
        var gid = _root.IdOf("group", "fastmail");
        Assert.NotNull(uid);
        Assert.NotNull(gid);
        Assert.Contains($"fastmail:x:{uid}:{gid}:FastMail mail server:/var/lib/fastmail:/usr/sbin/nologin", File.ReadAllLines(_root.OnDisk("/etc/passwd")));

        Assert.Equal(File.ReadAllBytes(binary), File.ReadAllBytes(_root.OnDisk("/usr/local/bin/fastmail")));
        Assert.Equal($"0:0:755", _root.OwnerAndMode("/usr/local/bin/fastmail"));

        Assert.Equal($"0:{gid}:750", _root.OwnerAndMode("/etc/fastmail"));
        Assert.Equal($"0:{gid}:640", _root.OwnerAndMode("/etc/fastmail/fastmail.json"));
        var config = ConfigLoader.Load(_root.OnDisk("/etc/fastmail/fastmail.json"), [], environment: _ => null);
        var settings = FastMailSettings.From(config);
        Assert.Equal("/var/lib/fastmail", settings.DataDirectory);
        Assert.Equal("mail.example.org", settings.HostName);
        Assert.Equal("example.org", config.Get(ConfigKeys.PrimaryDomain));
        Assert.Equal("0.0.0.0:25", config.Get(ConfigKeys.SmtpListen));
        Assert.Equal("0.0.0.0:587", config.Get(ConfigKeys.SubmissionListen));
        Assert.Equal("0.0.0.0:465", config.Get(ConfigKeys.SmtpsListen));
        Assert.Equal("0.0.0.0:110", config.Get(ConfigKeys.Pop3Listen));
        Assert.Equal("0.0.0.0:995", config.Get(ConfigKeys.Pop3sListen));
        Assert.Equal("0.0.0.0:80", config.Get(ConfigKeys.WebListen));
        Assert.Equal("0.0.0.0:443", config.Get(ConfigKeys.WebHttpsListen));
        // metrics.listen exists once the metrics endpoint is merged; until then the install must simply leave it out.
        if (ConfigKeys.Find("metrics.listen") is { } metrics)
        {
            Assert.Equal("127.0.0.1:9090", config.Get(metrics));
        }

        Assert.Equal($"{uid}:{gid}:700", _root.OwnerAndMode("/var/lib/fastmail"));

        Assert.Equal(
            UnitFile.Render("/usr/local/bin/fastmail", "/etc/fastmail/fastmail.json", "/var/lib/fastmail", "fastmail", UnitFile.StopTimeout(settings.Limits.ShutdownGracePeriod)),
            File.ReadAllText(_root.OnDisk("/etc/systemd/system/fastmail.service")));
        Assert.Equal("0:0:644", _root.OwnerAndMode("/etc/systemd/system/fastmail.service"));

        Assert.Contains("example.org.  MX   10 mail.example.org.", output, StringComparison.Ordinal);
        Assert.Contains("\"v=spf1 mx -all\"", output, StringComparison.Ordinal);
        Assert.Contains("dig +short MX example.org", output, StringComparison.Ordinal);
        Assert.Contains("systemctl daemon-reload && systemctl enable fastmail", output, StringComparison.Ordinal);
        Assert.Contains("journalctl -u fastmail", output, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutADomainNoDnsRecordsArePrintedButHowToGetThem()
    {
        var output = Install(Binary("binary v1"), domain: null, hostName: null);

        Assert.Contains("No mail domain yet: set primaryDomain", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" MX ", output, StringComparison.Ordinal);
        Assert.Contains("\"primaryDomain\": \"localhost\"", File.ReadAllText(_root.OnDisk("/etc/fastmail/fastmail.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondRunChangesNothingAndKeepsTheOperatorsConfiguration()
    {
        var binary = Binary("binary v1");
        Install(binary);
        var configPath = _root.OnDisk("/etc/fastmail/fastmail.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"logLevel\": \"information\"", "\"logLevel\": \"debug\"", StringComparison.Ordinal));
        var passwd = File.ReadAllText(_root.OnDisk("/etc/passwd"));
        var unitWritten = File.GetLastWriteTimeUtc(_root.OnDisk("/etc/systemd/system/fastmail.service"));
        var binaryWritten = File.GetLastWriteTimeUtc(_root.OnDisk("/usr/local/bin/fastmail"));

        var output = Install(binary, domain: "other.example", hostName: null);

        Assert.Contains("Nothing to do", output, StringComparison.Ordinal);
        Assert.DoesNotContain("created:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("updated:", output, StringComparison.Ordinal);
        Assert.Contains("--domain/--hostname not applied", output, StringComparison.Ordinal);
        Assert.Contains("\"logLevel\": \"debug\"", File.ReadAllText(configPath), StringComparison.Ordinal);
        Assert.Contains("\"primaryDomain\": \"example.org\"", File.ReadAllText(configPath), StringComparison.Ordinal);
        Assert.Equal(passwd, File.ReadAllText(_root.OnDisk("/etc/passwd")));
        Assert.Equal(unitWritten, File.GetLastWriteTimeUtc(_root.OnDisk("/etc/systemd/system/fastmail.service")));
        Assert.Equal(binaryWritten, File.GetLastWriteTimeUtc(_root.OnDisk("/usr/local/bin/fastmail")));
    }

    [Fact]
    public void ANewBinaryIsAnUpgradeAndNothingElseChanges()
    {
        Install(Binary("binary v1"));
        var newer = Binary("binary v2, a little longer");

        var output = Install(newer);

        Assert.Contains("updated:   /usr/local/bin/fastmail (upgraded)", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), line => line.Contains("updated:", StringComparison.Ordinal) || line.Contains("created:", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(newer), File.ReadAllBytes(_root.OnDisk("/usr/local/bin/fastmail")));
        Assert.Equal("0:0:755", _root.OwnerAndMode("/usr/local/bin/fastmail"));
        Assert.Empty(Directory.GetFiles(_root.OnDisk("/usr/local/bin"), ".fastmail*"));
    }

    [Fact]
    public void UninstallRemovesUnitAndBinaryAndKeepsMailConfigurationAndUser()
    {
        Install(Binary("binary v1"));
        var mail = _root.OnDisk("/var/lib/fastmail/accounts.json");
        File.WriteAllText(mail, "{\"users\":[]}");

        var output = Uninstall();

        Assert.False(File.Exists(_root.OnDisk("/etc/systemd/system/fastmail.service")));
        Assert.False(File.Exists(_root.OnDisk("/usr/local/bin/fastmail")));
        Assert.Equal("{\"users\":[]}", File.ReadAllText(mail));
        Assert.True(File.Exists(_root.OnDisk("/etc/fastmail/fastmail.json")));
        Assert.NotNull(_root.IdOf("passwd", "fastmail"));
        Assert.Contains("/var/lib/fastmail   your mail", output, StringComparison.Ordinal);

        Assert.Contains("absent:    /usr/local/bin/fastmail", Uninstall(), StringComparison.Ordinal);
    }
}
