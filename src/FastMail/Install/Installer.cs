using System.Runtime.Versioning;
using FastMail.Configuration;

namespace FastMail.Install;

/// <summary>What `fastmail install` is asked to do.</summary>
/// <param name="Root">"" for the real system, else a directory to install into (chroot, image, test).</param>
/// <param name="SourceBinary">The binary to install: the running one (Environment.ProcessPath).</param>
/// <param name="ManageService">Run systemctl (systemd is PID 1 and Root is ""); otherwise print the commands.</param>
internal sealed record InstallOptions(string Root, string SourceBinary, string? Domain, string? HostName, bool ManageService);

/// <summary>
/// `fastmail install`: the system user, the binary, the configuration (only if absent), the data directory and the
/// systemd unit. Idempotent: each step says whether it changed something, and a second run changes only a binary
/// that differs (an upgrade, which also restarts a running service).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class Installer
{
    private const UnixFileMode ConfigDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode ConfigFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode UnitFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static int Run(InstallOptions options, TextWriter output)
    {
        var layout = new InstallLayout(options.Root);
        var privileged = Environment.IsPrivilegedProcess;
        if (!privileged && layout.IsRealRoot)
        {
            throw new UnauthorizedAccessException("`fastmail install` must run as root: sudo fastmail install (or --root DIR to lay the files out in a directory)");
        }

        var changed = false;
        (uint User, uint Group)? ids = null;
        if (privileged)
        {
            changed |= Report(output, SystemUser.Ensure(layout) ? Change.Created : Change.Unchanged, $"system user and group '{InstallLayout.UserName}'");
            ids = (AccountFiles.FindId(layout, "passwd", InstallLayout.UserName) ?? throw new IOException("useradd did not create the fastmail user"),
                AccountFiles.FindId(layout, "group", InstallLayout.UserName) ?? throw new IOException("groupadd did not create the fastmail group"));
        }
        else
        {
            output.WriteLine($"  skipped:   system user '{InstallLayout.UserName}' and file owners (not root): run the install as root on the target");
        }

        var binary = BinaryFile.Install(options.SourceBinary, layout.OnDisk(InstallLayout.BinaryPath));
        changed |= Report(output, binary, InstallLayout.BinaryPath + (binary == Change.Updated ? " (upgraded)" : ""));

        var configCreated = WriteConfigIfAbsent(layout, options, ids);
        changed |= Report(output, configCreated ? Change.Created : Change.Unchanged, InstallLayout.ConfigPath + (configCreated ? "" : " (kept: it is yours to edit)"));
        if (!configCreated && (options.Domain is not null || options.HostName is not null))
        {
            output.WriteLine($"             --domain/--hostname not applied: edit primaryDomain/hostName in {InstallLayout.ConfigPath}");
        }

        var dataCreated = CreateDataDirectory(layout, ids);
        changed |= Report(output, dataCreated ? Change.Created : Change.Unchanged, InstallLayout.DataDirectory + " (mail and accounts)");

        var config = ConfigLoader.Load(layout.OnDisk(InstallLayout.ConfigPath), [], environment: _ => null);
        var unit = WriteUnit(layout, LimitsSection.Bind(config).ShutdownGracePeriod);
        changed |= Report(output, unit, InstallLayout.UnitPath);

        if (!changed)
        {
            output.WriteLine("Nothing to do: FastMail is installed and up to date.");
        }

        output.WriteLine();
        StartService(options, output, upgraded: binary == Change.Updated || unit == Change.Updated);
        output.WriteLine();
        var domain = config.Get(ConfigKeys.PrimaryDomain);
        var hostName = config.Get(ConfigKeys.HostName) is { Length: > 0 } name ? name : System.Net.Dns.GetHostName();
        if (domain == ConfigKeys.PrimaryDomain.Default)
        {
            output.WriteLine($"No mail domain yet: set primaryDomain in {InstallLayout.ConfigPath} (or install with --domain) to see the DNS records it needs.");
        }
        else
        {
            output.Write(DnsAdvice.Render(domain, hostName));
        }

        output.WriteLine();
        output.Write(NextSteps(domain));
        return 0;
    }

    private static bool Report(TextWriter output, Change change, string what)
    {
        output.WriteLine($"  {change.ToString().ToLowerInvariant() + ":",-10} {what}");
        return change != Change.Unchanged;
    }

    private static bool WriteConfigIfAbsent(InstallLayout layout, InstallOptions options, (uint User, uint Group)? ids)
    {
        var directory = layout.OnDisk(InstallLayout.ConfigDirectory);
        if (SystemDirectory.Ensure(directory, ConfigDirectoryMode) && ids is { } owner)
        {
            Ownership.Set(directory, 0, owner.Group);
        }

        var path = layout.OnDisk(InstallLayout.ConfigPath);
        if (File.Exists(path))
        {
            return false;
        }

        // Written aside and renamed, so the operator never finds a half file; readable by the service's group, not by other users (it may hold relay.credentials).
        var temporary = path + ".new";
        File.WriteAllText(temporary, ProductionConfig.Render(options.Domain, options.HostName));
        File.SetUnixFileMode(temporary, ConfigFileMode);
        if (ids is { } ownerIds)
        {
            Ownership.Set(temporary, 0, ownerIds.Group);
        }

        File.Move(temporary, path);
        return true;
    }

    private static bool CreateDataDirectory(InstallLayout layout, (uint User, uint Group)? ids)
    {
        // An existing data directory holds mail: its owner and mode stay as the operator left them.
        var path = layout.OnDisk(InstallLayout.DataDirectory);
        if (!SystemDirectory.Ensure(path, FastMail.Core.IO.OwnerOnly.DirectoryMode))
        {
            return false;
        }

        if (ids is { } owner)
        {
            Ownership.Set(path, owner.User, owner.Group);
        }

        return true;
    }

    private static Change WriteUnit(InstallLayout layout, TimeSpan shutdownGrace)
    {
        var text = UnitFile.Render(InstallLayout.BinaryPath, InstallLayout.ConfigPath, InstallLayout.DataDirectory, InstallLayout.UserName, UnitFile.StopTimeout(shutdownGrace));
        var path = layout.OnDisk(InstallLayout.UnitPath);
        var existed = File.Exists(path);
        if (existed && File.ReadAllText(path) == text)
        {
            return Change.Unchanged;
        }

        SystemDirectory.Ensure(Path.GetDirectoryName(path)!);
        var temporary = path + ".new";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, UnitFileMode);
        File.Move(temporary, path, overwrite: true);
        return existed ? Change.Updated : Change.Created;
    }

    private static void StartService(InstallOptions options, TextWriter output, bool upgraded)
    {
        if (!options.ManageService)
        {
            output.WriteLine(options.Root.Length == 0
                ? "systemd is not running here: on the machine that runs FastMail, do"
                : $"Installed into {options.Root}; on the system it becomes, do");
            output.WriteLine("  systemctl daemon-reload && systemctl enable fastmail");
            return;
        }

        output.WriteLine("systemd:");
        Systemd.Systemctl(output, "daemon-reload");
        Systemd.Systemctl(output, "enable", "--quiet", "fastmail");
        if (upgraded)
        {
            // try-restart: a running server picks up the new binary; a stopped one stays stopped.
            Systemd.Systemctl(output, "try-restart", "fastmail");
        }
    }

    private static string NextSteps(string domain) => $"""
        Next steps:
          sudo -u fastmail fastmail user add alice --config {InstallLayout.ConfigPath}   (as the fastmail user: the files stay its own)
          systemctl start fastmail
          systemctl status fastmail; journalctl -u fastmail -f
          configuration: {InstallLayout.ConfigPath} (then systemctl restart fastmail); TLS: set tls.certificate and tls.key
            (e.g. Let's Encrypt) or clients see the self-signed certificate on 465, 995 and 443

        """;
}
