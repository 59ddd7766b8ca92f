namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// Where the browser tests keep their screenshots: always artifacts/screenshots (for a CI run's reader), and also
/// docs/screenshots, the pictures the README shows, when FASTMAIL_UPDATE_SCREENSHOTS=1 (a normal test run leaves the
/// checked-in files alone: the dates in them change on every run).
/// </summary>
internal static class Screenshots
{
    public static void Save(ChromiumSession browser, string name)
    {
        var root = RepositoryRoot();
        browser.Screenshot(Path.Combine(root, "artifacts", "screenshots", name));
        if (Environment.GetEnvironmentVariable("FASTMAIL_UPDATE_SCREENSHOTS") == "1")
        {
            browser.Screenshot(Path.Combine(root, "docs", "screenshots", name));
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FastMail.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FastMail.sln above {AppContext.BaseDirectory}: where do screenshots go?");
    }
}
