namespace FastMail.Tests.Storage;

/// <summary>File-level helpers for crash and corruption tests: copy a live store's files, measure and damage them.</summary>
internal static class StorageFiles
{
    /// <summary>Copies the data directory as a kill -9 at this instant would leave it (the page cache is kept).</summary>
    public static string CopyDataDirectory(string dataDirectory)
    {
        var copy = TempDirectory.Create("storage-copy");
        Copy(Path.Combine(dataDirectory, "mail"), Path.Combine(copy, "mail"));
        return copy;
    }

    public static long Size(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    public static string[] Checkpoints(string dataDirectory)
    {
        var index = Path.Combine(dataDirectory, "mail", "index");
        return Directory.Exists(index) ? [.. Directory.GetFiles(index, "checkpoint-*.bin").Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>The log segment files, lowest segment first.</summary>
    public static string[] Segments(string dataDirectory) =>
        [.. Directory.GetFiles(Path.Combine(dataDirectory, "mail"), "mail.log.*").OrderBy(f => long.Parse(Path.GetExtension(f).AsSpan(1)))];

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            try
            {
                File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
            }
            catch (FileNotFoundException)
            {
                // Deleted (a truncated segment) between listing and copying: a crash image would not have it either.
            }
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            Copy(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }
}
