using System.Diagnostics;

namespace FastMail.Install;

/// <summary>
/// The `fastmail` system user and group the service runs as: no login shell, home = the data directory. Created with
/// groupadd/useradd --system (they pick a free system id and lock the files properly); with a root directory they get
/// `--root DIR`, which edits DIR/etc/passwd, group, shadow and gshadow instead of the host's.
/// </summary>
internal static class SystemUser
{
    /// <summary>Creates the user and group if missing; true when something was created.</summary>
    public static bool Ensure(InstallLayout layout)
    {
        var created = false;
        if (AccountFiles.FindId(layout, "group", InstallLayout.UserName) is null)
        {
            Run("groupadd", [.. RootArguments(layout), "--system", InstallLayout.UserName]);
            created = true;
        }

        if (AccountFiles.FindId(layout, "passwd", InstallLayout.UserName) is null)
        {
            Run("useradd", [.. RootArguments(layout), "--system", "--gid", InstallLayout.UserName, "--home-dir", InstallLayout.DataDirectory, "--no-create-home",
                "--shell", "/usr/sbin/nologin", "--comment", "FastMail mail server", InstallLayout.UserName]);
            created = true;
        }

        return created;
    }

    private static string[] RootArguments(InstallLayout layout) => layout.IsRealRoot ? [] : ["--root", layout.Root];

    private static void Run(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new IOException($"cannot run {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"{program} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {(error + output.Result).Trim()}");
        }
    }
}
