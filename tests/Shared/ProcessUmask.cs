using System.Runtime.InteropServices;

namespace FastMail.Testing;

/// <summary>
/// Sets the process umask for a test and restores it on dispose. The umask is process-wide, so tests that use it belong
/// to the <see cref="ProcessUmaskCollection"/>, which xunit runs alone.
/// </summary>
internal sealed partial class ProcessUmask : IDisposable
{
    private readonly uint _previous;

    private ProcessUmask(uint mask) => _previous = SetUmask(mask);

    /// <summary>umask 000: every new file gets exactly the mode its creator asks for (0666 for a plain FileStream).</summary>
    public static ProcessUmask Permissive() => new(0);

    public void Dispose() => _ = SetUmask(_previous);

    /// <summary>Every directory and file under <paramref name="root"/> (itself included) whose mode is not owner-only.</summary>
    public static List<string> NotOwnerOnly(string root)
    {
        const UnixFileMode groupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var entries = new List<FileSystemInfo> { new DirectoryInfo(root) };
        entries.AddRange(new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories));
        return entries
            .Where(e => (e.UnixFileMode & groupOrOther) != 0)
            .Select(e => $"{e.FullName} {Convert.ToString((int)e.UnixFileMode, 8)}")
            .ToList();
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);
}

/// <summary>Tests that change the process umask: run alone, never beside tests that create files.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessUmaskCollection
{
    public const string Name = "Process umask";
}
