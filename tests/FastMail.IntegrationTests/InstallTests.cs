using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// The published binary installs itself (`fastmail install --root DIR`, a temporary root with its own etc/passwd), and
/// `fastmail serve` talks to systemd (NOTIFY_SOCKET): READY=1 once listening, WATCHDOG=1 while alive, STOPPING=1 on SIGTERM.
/// The last test starts the installed service the way its unit does, as the `fastmail` user inside the root (a chroot
/// in a private mount namespace, the host's libraries bound read-only), so the modes and owners the install chose are
/// the ones the server can work with. Needs root, as CI runs.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InstallTests : IDisposable
{
    private readonly TempSystemRoot _root = new();
    private readonly NotifySocket _systemd = NotifySocket.Abstract();

    public void Dispose()
    {
        _systemd.Dispose();
        _root.Dispose();
    }

    private async Task<string> InstallAsync(params string[] options)
    {
        var (exit, output) = await ExternalProcess.RunAsync(await AotBinary.GetAsync(), ["install", "--root", _root.Path, .. options]);
        Assert.True(exit == 0, $"fastmail install exited {exit}:\n{output}");
        return output;
    }

    [Fact]
    public async Task TheBinaryInstallsItselfOnceAndUninstallKeepsTheMail()
    {
        var binary = await AotBinary.GetAsync();

        var first = await InstallAsync("--domain", "example.org", "--hostname", "mail.example.org");
        var second = await InstallAsync();

        Assert.Contains("created:   /usr/local/bin/fastmail", first, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(binary), await File.ReadAllBytesAsync(_root.OnDisk("/usr/local/bin/fastmail")));
        Assert.Equal("0:0:755", _root.OwnerAndMode("/usr/local/bin/fastmail"));
        Assert.Contains("dig +short MX example.org", first, StringComparison.Ordinal);
        Assert.Contains("Nothing to do", second, StringComparison.Ordinal);

        await File.WriteAllTextAsync(_root.OnDisk("/var/lib/fastmail/keep"), "mail");
        var (exit, output) = await ExternalProcess.RunAsync(binary, ["uninstall", "--root", _root.Path]);

        Assert.True(exit == 0, output);
        Assert.False(File.Exists(_root.OnDisk("/usr/local/bin/fastmail")));
        Assert.False(File.Exists(_root.OnDisk("/etc/systemd/system/fastmail.service")));
        Assert.Equal("mail", await File.ReadAllTextAsync(_root.OnDisk("/var/lib/fastmail/keep")));
        Assert.True(File.Exists(_root.OnDisk("/etc/fastmail/fastmail.json")));
    }

    [Fact]
    public async Task ServeTellsSystemdWhenReadyAliveAndStopping()
    {
        using var data = new TempDirectory("notify-data");
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _systemd.Address, ["WATCHDOG_USEC"] = "200000" };
        await using var server = await ServerProcess.StartAsync(data.Path, environment);

        var ready = await _systemd.NextAsync();
        Assert.StartsWith("READY=1\nSTATUS=", ready, StringComparison.Ordinal);
        Assert.EndsWith($"\nMAINPID={server.ProcessId}", ready, StringComparison.Ordinal);
        Assert.Equal("WATCHDOG=1", await _systemd.NextAsync());
        Assert.Equal("WATCHDOG=1", await _systemd.NextAsync());

        Assert.Equal(0, await server.TerminateAsync());
        Assert.Equal("STOPPING=1", await _systemd.NextBesidesWatchdogAsync());
    }

    [Fact]
    public async Task TheInstalledServiceRunsAsTheFastmailUserInsideTheRoot()
    {
        await InstallAsync("--domain", "example.org", "--hostname", "mail.example.org");
        var uid = _root.IdOf("passwd", "fastmail")!.Value;
        var gid = _root.IdOf("group", "fastmail")!.Value;
        Directory.CreateDirectory(_root.OnDisk("/tmp"));
        File.SetUnixFileMode(_root.OnDisk("/tmp"), (UnixFileMode)0x3FF | UnixFileMode.StickyBit); // 1777

        using var process = Process.Start(ChrootedService(uid, gid))!;
        try
        {
            var ready = await _systemd.NextAsync();

            Assert.StartsWith("READY=1", ready, StringComparison.Ordinal);
            Assert.EndsWith($"\nMAINPID={process.Id}", ready, StringComparison.Ordinal);
            // The process systemd would watch is the server itself, and it runs as fastmail, not root.
            var status = await File.ReadAllLinesAsync($"/proc/{process.Id}/status");
            Assert.Contains(status, line => line.StartsWith("Uid:", StringComparison.Ordinal) && line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.StartsWith($"{uid}:{gid}:", _root.OwnerAndMode("/var/lib/fastmail/fastmail.pid"), StringComparison.Ordinal);

            Assert.Equal(0, SysKill(process.Id, 15));
            Assert.Equal("STOPPING=1", await _systemd.NextBesidesWatchdogAsync());
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>
    /// unshare (private mount namespace: nothing is mounted on the host, all is gone when the process exits) → sh binds
    /// the host's libraries, /dev and /proc read-only into the root → chroot as fastmail:fastmail → the installed binary
    /// with the unit's command line. Each step execs the next, so the server keeps the PID we started. Ports come from
    /// FASTMAIL_* variables (loopback, chosen by the OS): no root, no CAP_NET_BIND_SERVICE needed for them.
    /// </summary>
    private ProcessStartInfo ChrootedService(uint uid, uint gid)
    {
        const string script = """
            set -e
            r="$1"; shift
            for d in lib lib32 lib64 libx32; do
              if [ -L "/$d" ]; then ln -sfn "$(readlink "/$d")" "$r/$d"
              elif [ -d "/$d" ]; then mkdir -p "$r/$d"; mount --bind "/$d" "$r/$d"; mount -o remount,bind,ro "$r/$d"
              fi
            done
            for d in usr/lib usr/lib64 etc/ssl dev proc; do
              if [ -d "/$d" ] && [ ! -L "/$d" ]; then mkdir -p "$r/$d"; mount --bind "/$d" "$r/$d"; mount -o remount,bind,ro "$r/$d"; fi
            done
            exec chroot "$@"
            """;
        var info = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        foreach (var argument in new[]
        {
            "--mount", "--propagation", "private", "sh", "-c", script, "sh", _root.Path,
            $"--userspec={uid}:{gid}", _root.Path, "/usr/local/bin/fastmail", "serve", "--config", "/etc/fastmail/fastmail.json",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NOTIFY_SOCKET"] = _systemd.Address;
        info.Environment["WATCHDOG_USEC"] = "30000000";
        foreach (var key in new[] { "SMTP_LISTEN", "SMTP_SUBMISSIONLISTEN", "SMTP_SMTPSLISTEN", "POP3_LISTEN", "POP3_POP3SLISTEN", "WEB_LISTEN", "WEB_HTTPSLISTEN", "METRICS_LISTEN" })
        {
            info.Environment["FASTMAIL_" + key] = "127.0.0.1:0";
        }

        return info;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
