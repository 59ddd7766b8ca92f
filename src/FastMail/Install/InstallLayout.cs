namespace FastMail.Install;

/// <summary>
/// Where `fastmail install` puts things: the paths as the running system sees them (written into the unit and the
/// configuration), and the same paths under an optional root directory (where the files are actually written), so
/// an install can be staged into a chroot, an image or a test directory with --root.
/// </summary>
internal sealed class InstallLayout(string root)
{
    public const string BinaryPath = "/usr/local/bin/fastmail";
    public const string ConfigDirectory = "/etc/fastmail";
    public const string ConfigPath = "/etc/fastmail/fastmail.json";
    public const string DataDirectory = "/var/lib/fastmail";
    public const string UnitPath = "/etc/systemd/system/fastmail.service";
    public const string UserName = "fastmail";

    /// <summary>The root directory ("" = the real root).</summary>
    public string Root { get; } = root.Length == 0 ? "" : Path.GetFullPath(root).TrimEnd('/');

    /// <summary>True when installing into the real root (systemctl may then be run).</summary>
    public bool IsRealRoot => Root.Length == 0;

    /// <summary>A system path under the root: /etc/fastmail with root /tmp/x is /tmp/x/etc/fastmail.</summary>
    public string OnDisk(string systemPath) => Root + systemPath;
}
