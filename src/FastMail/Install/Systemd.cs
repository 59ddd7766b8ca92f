using System.Diagnostics;

namespace FastMail.Install;

/// <summary>Talks to systemd through systemctl, when systemd is the init system (sd_booted(3): /run/systemd/system exists).</summary>
internal static class Systemd
{
    public static bool IsRunning => Directory.Exists("/run/systemd/system");

    /// <summary>Runs `systemctl ARGS`; a failure is an IOException carrying systemctl's message.</summary>
    public static void Systemctl(TextWriter output, params string[] arguments)
    {
        output.WriteLine($"  systemctl {string.Join(' ', arguments)}");
        var info = new ProcessStartInfo("systemctl") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new IOException("cannot run systemctl");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"systemctl {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {error.Trim()}");
        }
    }
}
