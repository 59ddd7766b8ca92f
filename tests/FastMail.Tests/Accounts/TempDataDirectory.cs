namespace FastMail.Tests.Accounts;

/// <summary>A fresh data directory per test, deleted afterwards, with options tuned for speed (1000 PBKDF2 iterations).</summary>
internal sealed class TempDataDirectory : IDisposable
{
    public const string Domain = "example.com";

    public TempDataDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastmail-accounts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string AccountsFile => System.IO.Path.Combine(Path, "accounts.json");

    public FastMail.Accounts.AccountsOptions Options(Action<FastMail.Accounts.AccountsOptions>? configure = null)
    {
        var options = new FastMail.Accounts.AccountsOptions
        {
            DataDirectory = Path,
            PrimaryDomain = Domain,
            Pbkdf2Iterations = 1000,
            ReloadCheckInterval = TimeSpan.FromMilliseconds(1),
        };
        configure?.Invoke(options);
        return options;
    }

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
