using System.Diagnostics;

namespace FastMail.Testing;

/// <summary>
/// A small tmpfs mounted on a fresh directory, for tests that must really run out of space; unmounted and removed on
/// dispose. Needs root (CI runs as root): otherwise the constructor fails with a message that says so.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    public TmpfsMount(long sizeBytes)
    {
        Directory = Path.Combine(Path.GetTempPath(), "fastmail-tmpfs-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes}", "tmpfs", Directory);
        if (code != 0)
        {
            System.IO.Directory.Delete(Directory);
            Assert.Fail($"This test mounts a {sizeBytes}-byte tmpfs to fill a disk for real and needs root (mount -t tmpfs); mount said: {output}");
        }
    }

    public string Directory { get; }

    public static long FreeBytes(string path) => new DriveInfo(path).AvailableFreeSpace;

    public void Dispose()
    {
        // Lazy unmount: a file the store's device is still closing must not leave the mount behind.
        Run("umount", "-l", Directory);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
