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

    /// <summary>Bytes of the mail log's segment files in <paramref name="mailDirectory"/> (what compaction reclaims).</summary>
    public static long LogSize(string mailDirectory) =>
        Directory.GetFiles(mailDirectory, "mail.log.*").Sum(f => new FileInfo(f).Length);

    /// <summary>The index's FASTER checkpoints (one directory each): log checkpoints first, then hash-table checkpoints.</summary>
    public static string[] Checkpoints(string dataDirectory) => [.. LogCheckpoints(dataDirectory), .. IndexCheckpoints(dataDirectory)];

    public static string[] LogCheckpoints(string dataDirectory) => CheckpointsIn(dataDirectory, "cpr-checkpoints");

    public static string[] IndexCheckpoints(string dataDirectory) => CheckpointsIn(dataDirectory, "index-checkpoints");

    private static string[] CheckpointsIn(string dataDirectory, string kind)
    {
        var directory = Path.Combine(dataDirectory, "mail", "kv", "checkpoints", kind);
        return Directory.Exists(directory) ? Directory.GetDirectories(directory) : [];
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
