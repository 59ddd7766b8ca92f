namespace FastMail.Tests.Tls;

/// <summary>A fresh data directory per test, deleted afterwards.</summary>
internal sealed class TempTlsDirectory : IDisposable
{
    public TempTlsDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastmail-tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
