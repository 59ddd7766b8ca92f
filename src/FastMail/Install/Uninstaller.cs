using System.Runtime.Versioning;

namespace FastMail.Install;

/// <summary>
/// `fastmail uninstall`: stops and disables the service, removes the unit and the binary. The configuration, the mail
/// and the `fastmail` user stay: removing mail is a decision the operator makes with rm, not a side effect.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class Uninstaller
{
    public static int Run(string root, bool manageService, TextWriter output)
    {
        var layout = new InstallLayout(root);
        if (!Environment.IsPrivilegedProcess && layout.IsRealRoot)
        {
            throw new UnauthorizedAccessException("`fastmail uninstall` must run as root: sudo fastmail uninstall (or --root DIR)");
        }

        var unit = layout.OnDisk(InstallLayout.UnitPath);
        if (manageService && File.Exists(unit))
        {
            output.WriteLine("systemd:");
            Systemd.Systemctl(output, "disable", "--now", "--quiet", "fastmail");
        }

        Remove(output, unit, InstallLayout.UnitPath);
        if (manageService)
        {
            Systemd.Systemctl(output, "daemon-reload");
        }

        Remove(output, layout.OnDisk(InstallLayout.BinaryPath), InstallLayout.BinaryPath);
        output.WriteLine($"""

            Kept (remove them yourself if you mean it):
              {InstallLayout.DataDirectory}   your mail and accounts
              {InstallLayout.ConfigPath}
              the system user and group '{InstallLayout.UserName}' (userdel {InstallLayout.UserName})
            """);
        return 0;
    }

    private static void Remove(TextWriter output, string path, string shown)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            output.WriteLine($"  removed:   {shown}");
        }
        else
        {
            output.WriteLine($"  absent:    {shown}");
        }
    }
}
