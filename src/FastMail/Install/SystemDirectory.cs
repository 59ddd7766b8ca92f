using System.Runtime.Versioning;

namespace FastMail.Install;

/// <summary>
/// Creates system directories (/usr/local/bin, /etc/systemd/system, ...) and their missing parents as 0755. Needed
/// because `fastmail` runs with umask 077 (mail is private), which would make them root-only under a fresh --root.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class SystemDirectory
{
    public const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents, 0755) with <paramref name="mode"/>; true when it was created. An existing directory keeps its mode.</summary>
    public static bool Ensure(string path, UnixFileMode mode = Public)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return false;
        }

        var parent = Path.GetDirectoryName(full);
        if (parent is not null)
        {
            Ensure(parent);
        }

        Directory.CreateDirectory(full);
        File.SetUnixFileMode(full, mode);
        return true;
    }
}
