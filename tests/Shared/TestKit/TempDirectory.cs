namespace FastMail.Testing.TestKit;

/// <summary>A fresh directory under the system temp path (fastmail-PREFIX-GUID), removed recursively on dispose (best effort).</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = NewPath(prefix);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> inside this directory (not created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Creates a fresh directory and returns its path, for owners that delete it themselves (<see cref="DeleteQuietly"/>).</summary>
    public static string Create(string prefix) => new TempDirectory(prefix).Path;

    /// <summary>A fresh path that does not exist yet, for code under test that must create its directory itself (and its mode).</summary>
    public static string NewPath(string prefix) => System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fastmail-{prefix}-{Guid.NewGuid():N}");

    /// <summary>Deletes <paramref name="path"/> recursively; a file still held open by a closing device leaves it for the OS to clean.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: temp is cleaned by the OS, and no test result depends on it.
        }
    }

    public void Dispose() => DeleteQuietly(Path);
}
