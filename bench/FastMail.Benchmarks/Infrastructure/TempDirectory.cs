namespace FastMail.Benchmarks.Infrastructure;

/// <summary>A fresh directory under the system temp path, removed (best effort) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fastmail-bench-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A device still closing a segment file; the OS cleans temp eventually, and the numbers do not depend on it.
        }
    }
}
