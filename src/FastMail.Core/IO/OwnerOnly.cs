using System.Runtime.InteropServices;

namespace FastMail.Core.IO;

/// <summary>
/// Mail is private (DESIGN contract 6): the data directory and everything in it is readable by the server's user only,
/// directories 0700 and files 0600, whatever umask the process was started with. Creating with these modes covers the
/// files FastMail writes itself; <see cref="RestrictProcessUmask"/> covers the files libraries create (FASTER's log
/// segments), as Postfix and Dovecot do by setting their own umask.
/// </summary>
public static partial class OwnerOnly
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Sets the process umask to 077, so that no file or directory created from now on is group- or world-accessible.</summary>
    public static void RestrictProcessUmask()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = SetUmask(0x3F); // 077
        }
    }

    /// <summary>Creates <paramref name="path"/> and its missing parents as 0700; an existing directory keeps its mode.</summary>
    public static DirectoryInfo CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(path);
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last directory only; the parents it creates get 0777.
        var full = Path.GetFullPath(path);
        var parent = Path.GetDirectoryName(full);
        if (parent is not null && !Directory.Exists(parent))
        {
            CreateDirectory(parent);
        }

        return Directory.CreateDirectory(full, DirectoryMode);
    }

    /// <summary>Options for a new file created 0600 (an existing file keeps its mode).</summary>
    public static FileStreamOptions NewFileOptions(System.IO.FileMode mode, FileAccess access, FileShare share, FileOptions options = FileOptions.None)
    {
        var result = new FileStreamOptions { Mode = mode, Access = access, Share = share, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            result.UnixCreateMode = FileMode;
        }

        return result;
    }

    /// <summary>Makes an existing file 0600 (a file a library created with its own mode).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>
    /// <paramref name="root"/> and every directory and file under it that group or others may access, in no particular
    /// order; empty on Windows. Symbolic links are reported by their own mode and not followed.
    /// </summary>
    public static List<string> FindShared(string root)
    {
        var shared = new List<string>();
        if (OperatingSystem.IsWindows() || !Directory.Exists(root))
        {
            return shared;
        }

        if ((File.GetUnixFileMode(root) & GroupOrOther) != 0)
        {
            shared.Add(root);
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            if (entry.LinkTarget is null && (entry.UnixFileMode & GroupOrOther) != 0)
            {
                shared.Add(entry.FullName);
            }
        }

        return shared;
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);
}
