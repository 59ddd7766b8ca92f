namespace FastMail.Core.IO;

/// <summary>
/// fsync of a directory, so that a file created or renamed into it survives power loss: creat(2) and rename(2) change
/// the directory, and a file's own fsync or O_SYNC writes do not cover its name. .NET cannot open a directory as a file
/// handle, and FASTER never does this, hence the libc calls. A no-op on Windows (NTFS journals the directory change).
/// </summary>
public static class DirectorySync
{
    /// <summary>Flushes the directory entries of <paramref name="directory"/>; throws <see cref="IOException"/> naming it and the errno on failure.</summary>
    public static void Sync(string directory) => Sync(directory, LibcDirectoryCalls.Instance);

    internal static void Sync(string directory, IDirectoryCalls calls)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = calls.OpenReadOnly(directory);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open directory '{directory}' to fsync it (errno {calls.LastError}).");
        }

        try
        {
            if (calls.Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {calls.LastError}).");
            }
        }
        finally
        {
            _ = calls.Close(descriptor);
        }
    }
}
