using System.Diagnostics;

namespace FastMail.Tests.Storage;

/// <summary>
/// Contract 1 against power loss, checked from the system calls: runs the storage probe's "ack" mode (append one message,
/// print ACK once durable) under strace and proves from the trace that before the ACK every log write went through an
/// O_SYNC/O_DSYNC descriptor or was fsync'd, and every file and directory the store created had its directory fsync'd.
/// A kill -9 test cannot show this: the page cache survives it; power loss does not.
/// </summary>
public sealed class PowerLossDurabilityTests
{
    private const string Strace = "/usr/bin/strace";

    [Fact]
    public async Task BeforeTheAckEveryLogWriteIsSyncedAndEveryNewDirectoryEntryIsFsynced()
    {
        Assert.True(File.Exists(Strace), $"{Strace} is required for this test (scripts/install-deps installs it: apt-get install strace).");
        var probe = await BuildProbeAsync();
        var data = Path.Combine(Path.GetTempPath(), "fastmail-strace-" + Guid.NewGuid().ToString("N"));

        // The data directory is the operator's (created at install); everything inside it is the store's.
        Directory.CreateDirectory(data);
        var trace = Path.Combine(Path.GetTempPath(), "fastmail-strace-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            var (exit, output) = await RunAsync(Strace, ["-f", "-qq", "-o", trace, "-e", "trace=openat,open,creat,mkdir,mkdirat,close,write,pwrite64,pwritev,pwritev2,writev,fsync,fdatasync,rename,renameat,renameat2", "dotnet", probe, "ack", data]);
            Assert.True(exit == 0, $"probe under strace failed ({exit}): {output}");
            Assert.Contains("ACK ", output, StringComparison.Ordinal);

            var violations = SyscallTrace.Parse(File.ReadAllLines(trace)).FindDurabilityViolations(data, out var logWrites);
            Assert.True(logWrites > 0, "the trace shows no write to a log segment before the ACK");
            Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        }
        finally
        {
            File.Delete(trace);
            TempDirectory.DeleteQuietly(data);
        }
    }

    [Fact]
    public void TraceAnalysisFlagsAnUnsyncedWriteAndAMissingDirectoryFsync()
    {
        // The checker itself must catch what it is there to catch.
        var lines = new[]
        {
            "10  mkdir(\"/d/mail\", 0777) = 0",
            "10  openat(AT_FDCWD, \"/d/mail/mail.log.0\", O_WRONLY|O_CREAT|O_CLOEXEC, 0666) = 5",
            "11  pwrite64(5, \"abc\"..., 512, 0 <unfinished ...>",
            "10  openat(AT_FDCWD, \"/tmp/x\", O_RDONLY) = 6",
            "11  <... pwrite64 resumed>) = 512",
            "10  write(1, \"ACK 64\\n\", 7) = 7",
        };

        var violations = SyscallTrace.Parse(lines).FindDurabilityViolations("/d", out var logWrites);

        Assert.Equal(1, logWrites);
        Assert.Contains(violations, v => v.Contains("pwrite64", StringComparison.Ordinal) && v.Contains("mail.log.0", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("/d/mail/mail.log.0", StringComparison.Ordinal) && v.Contains("directory", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("/d/mail", StringComparison.Ordinal) && v.Contains("never fsync'd", StringComparison.Ordinal));
    }

    private static async Task<string> BuildProbeAsync()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "FastMail.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        Assert.True(root is not null, "repository root (FastMail.sln) not found above " + AppContext.BaseDirectory);
        var project = Path.Combine(root, "bench", "FastMail.StorageProbe");
        var (exit, output) = await RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "q"]);
        Assert.True(exit == 0, "building the storage probe failed: " + output);
        return Path.Combine(project, "bin", "Release", "net10.0", "FastMail.StorageProbe.dll");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
