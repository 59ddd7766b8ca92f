using System.Runtime.InteropServices;

namespace FastMail.Accounts.Storage;

/// <summary>
/// fsync of a directory, so a rename into it survives power loss (rename(2) changes the directory, and only an fsync
/// of the directory makes that change durable). .NET cannot open a directory as a file handle, hence two libc calls.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY

    /// <summary>Flushes the directory entry table of <paramref name="path"/>; a no-op where there is no libc (Windows).</summary>
    public static void Flush(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals the rename itself; there is no directory handle to flush.
        }

        var fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory '{path}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
