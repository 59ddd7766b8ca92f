using System.Diagnostics;
using System.Runtime.Versioning;

namespace FastMail.Testing.TestKit;

/// <summary>
/// A directory to `fastmail install --root` into: DIR/etc holds copies of the host's passwd, group, shadow and gshadow,
/// which `useradd --root DIR` edits instead of the host's (the host's /etc is never touched). Needs root, as CI runs.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class TempSystemRoot : IDisposable
{
    public TempSystemRoot()
    {
        Assert.True(Environment.IsPrivilegedProcess, "installing into a temporary root needs root (useradd --root, chown): run the tests as root, as CI does");
        Path = TempDirectory.Create("root");
        // Explicit modes: another test in this process may have set the CLI's umask 077 (OwnerOnly), and a root or an etc/
        // at 0700 would keep the `fastmail` user out of /etc/fastmail inside the chroot.
        const UnixFileMode SystemDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(Path, SystemDirectoryMode);
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "etc"), SystemDirectoryMode);
        File.SetUnixFileMode(System.IO.Path.Combine(Path, "etc"), SystemDirectoryMode);
        foreach (var name in new[] { "passwd", "group", "shadow", "gshadow" })
        {
            File.Copy("/etc/" + name, OnDisk("/etc/" + name));
        }
    }

    public string Path { get; }

    /// <summary>A system path inside this root: /etc/fastmail → DIR/etc/fastmail.</summary>
    public string OnDisk(string systemPath) => Path + systemPath;

    /// <summary>The id of <paramref name="name"/> in this root's etc/passwd or etc/group (third field), or null.</summary>
    public uint? IdOf(string file, string name) => File.ReadLines(OnDisk("/etc/" + file))
        .Select(line => line.Split(':'))
        .Where(fields => fields.Length >= 3 && fields[0] == name)
        .Select(fields => (uint?)uint.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture))
        .FirstOrDefault();

    /// <summary>Owner uid, group gid and octal mode of a system path inside the root, e.g. "999:995:700" (stat(1): .NET has no owner API).</summary>
    public string OwnerAndMode(string systemPath)
    {
        var info = new ProcessStartInfo("stat") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("%u:%g:%a");
        info.ArgumentList.Add(OnDisk(systemPath));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    public void Dispose() => TempDirectory.DeleteQuietly(Path);
}
