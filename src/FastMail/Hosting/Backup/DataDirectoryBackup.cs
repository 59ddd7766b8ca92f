using System.Diagnostics;
using System.Globalization;
using FastMail.Accounts;
using FastMail.Hosting.Admin;
using FastMail.Storage;
using FastMail.Storage.Backup;

namespace FastMail.Hosting.Backup;

/// <summary>What one backup wrote.</summary>
internal sealed record BackupSummary(string Directory, BackupManifest Manifest, long Bytes, TimeSpan Elapsed)
{
    /// <summary>The lines `fastmail backup` prints.</summary>
    public IReadOnlyList<string> Lines =>
    [
        $"backup written to {Directory}",
        string.Create(CultureInfo.InvariantCulture, $"{Manifest.Files.Count} files, {Bytes} bytes, mail log {Manifest.LogBeginAddress}..{Manifest.LogCommittedAddress}, taken at {Manifest.CreatedUtc:yyyy-MM-dd HH:mm:ss} UTC, in {Elapsed.TotalSeconds:0.0} s"),
    ];
}

/// <summary>
/// A backup of a whole data directory: the mail log as of one moment (<see cref="MailLogBackup"/>: every acknowledged
/// message, POP3 delete and queue state change up to it), then the other files of the data directory: accounts.json
/// (replaced only by atomic rename, so any copy of it is a whole version), the generated TLS material in tls/, and any
/// other file FastMail keeps there. Left out: the mail index (rebuilt at restore), the lock file, the admin socket and
/// temporary files. The same code runs inside the server (admin socket) and in the CLI when no server runs.
/// </summary>
internal static class DataDirectoryBackup
{
    /// <summary>Names in the data directory's top level that a backup leaves out.</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        MailLogBackup.Directory, // copied by MailLogBackup, index excluded
        "fastmail.pid",
        AdminProtocol.SocketFileName,
        AccountStore.LockFileName,
    };

    public static async Task<BackupSummary> RunAsync(FasterMailStore store, string dataDirectory, string backupDirectory, string version, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory)) + Path.DirectorySeparatorChar;
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(backupDirectory)) + Path.DirectorySeparatorChar;
        if (target.StartsWith(data, StringComparison.Ordinal) || data.StartsWith(target, StringComparison.Ordinal))
        {
            // The copy of the data directory would copy itself (or the backup would hold the live store).
            throw new IOException($"the backup directory {backupDirectory} must be outside the data directory {dataDirectory}");
        }

        var writer = BackupWriter.Create(backupDirectory);
        var log = await MailLogBackup.CopyAsync(store, writer, cancellationToken);
        await CopyOtherFilesAsync(Path.GetFullPath(dataDirectory), writer, cancellationToken);
        var manifest = writer.Complete(version, log.TakenUtc, log.BeginAddress, log.CommittedAddress);
        return new BackupSummary(writer.Directory, manifest, writer.Bytes, Stopwatch.GetElapsedTime(started));
    }

    private static async Task CopyOtherFilesAsync(string dataDirectory, BackupWriter writer, CancellationToken cancellationToken)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFiles(dataDirectory, "*", options).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(dataDirectory, path).Replace(Path.DirectorySeparatorChar, '/');
            var top = relative.Split('/')[0];
            if (Skipped.Contains(top) || relative.EndsWith(".tmp", StringComparison.Ordinal) || !IsRegularFile(path))
            {
                continue;
            }

            await writer.CopyAsync(path, relative, length: null, padTo: 0, cancellationToken);
        }
    }

    /// <summary>Sockets and other special files cannot be copied (and mean nothing in a backup).</summary>
    private static bool IsRegularFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null && (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0;
    }
}
