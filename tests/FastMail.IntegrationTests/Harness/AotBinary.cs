namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// Finds the published native-AOT `fastmail` binary: $FASTMAIL_AOT_BINARY (set by scripts/test), else
/// artifacts/publish/fastmail in the repository, publishing it once with scripts/publish when it is missing.
/// </summary>
internal static class AotBinary
{
    private static readonly Lazy<Task<string>> Path = new(LocateAsync);

    public static Task<string> GetAsync() => Path.Value;

    private static async Task<string> LocateAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FASTMAIL_AOT_BINARY");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            Assert.True(File.Exists(fromEnvironment), $"FASTMAIL_AOT_BINARY={fromEnvironment} does not exist");
            return fromEnvironment;
        }

        var root = RepositoryRoot();
        var binary = System.IO.Path.Combine(root, "artifacts", "publish", "fastmail");
        if (!File.Exists(binary))
        {
            var (exitCode, output) = await ExternalProcess.RunAsync(System.IO.Path.Combine(root, "scripts", "publish"), [], timeout: TimeSpan.FromMinutes(10));
            Assert.True(exitCode == 0, "scripts/publish failed:\n" + output);
        }

        return binary;
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "FastMail.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FastMail.sln not found above " + AppContext.BaseDirectory);
    }
}
