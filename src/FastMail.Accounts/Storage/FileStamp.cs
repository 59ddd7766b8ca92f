namespace FastMail.Accounts.Storage;

/// <summary>What one stat of accounts.json tells: whether it exists, its length and its modification time.</summary>
internal readonly record struct FileStamp(bool Exists, long Length, DateTime LastWriteUtc)
{
    /// <summary>
    /// How close to "now" a modification time must be for the stamp to be distrusted. File systems keep modification
    /// times in coarse ticks (a kernel jiffy on ext4), so two saves within one tick with the same length (a password
    /// change) look identical; like git's "racy clean" rule, a recent stamp is re-checked by content until it is old.
    /// </summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(true, info.Length, info.LastWriteTimeUtc) : default;
    }

    /// <summary>True when a change within the same time tick could hide behind this stamp.</summary>
    public bool IsRacy(DateTime utcNow) => Exists && utcNow - LastWriteUtc < RacyWindow;
}
