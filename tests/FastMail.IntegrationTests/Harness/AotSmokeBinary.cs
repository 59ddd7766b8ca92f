namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// Publishes tests/FastMail.AotSmoke as a native-AOT binary once per test run (artifacts/publish-aot-smoke) and
/// insists the publish succeeded, reported no trim/AOT warning beyond the two the project suppresses, and produced a
/// native ELF executable rather than a managed assembly.
/// </summary>
internal static class AotSmokeBinary
{
    private static readonly Lazy<Task<string>> Path = new(PublishAsync);

    public static Task<string> GetAsync() => Path.Value;

    private static async Task<string> PublishAsync()
    {
        var root = AotBinary.RepositoryRoot();
        var project = System.IO.Path.Combine(root, "tests", "FastMail.AotSmoke", "FastMail.AotSmoke.csproj");
        var output = System.IO.Path.Combine(root, "artifacts", "publish-aot-smoke");
        var (exitCode, log) = await ExternalProcess.RunAsync(
            "dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output, "-nologo"],
            timeout: TimeSpan.FromMinutes(10));
        Assert.True(exitCode == 0, "publishing FastMail.AotSmoke failed:\n" + log);

        var warnings = log.Split('\n')
            .Where(line => line.Contains("warning IL2", StringComparison.Ordinal) || line.Contains("warning IL3", StringComparison.Ordinal))
            .ToList();
        Assert.True(warnings.Count == 0, "trim/AOT warnings:\n" + string.Join('\n', warnings));

        var binary = System.IO.Path.Combine(output, "fastmail-aot-smoke");
        Assert.True(File.Exists(binary), binary + " was not published");
        Assert.False(File.Exists(binary + ".dll"), "the publish produced a managed assembly, not a native binary");
        var magic = new byte[4];
        await using (var file = File.OpenRead(binary))
        {
            await file.ReadExactlyAsync(magic);
        }

        Assert.True(magic is [0x7F, (byte)'E', (byte)'L', (byte)'F'], binary + " is not a native ELF executable");
        return binary;
    }
}
