using System.Security.Cryptography;
using FastMail.Core.IO;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Backup;

/// <summary>The store as a restore left it.</summary>
public readonly record struct RestoredStore(long Messages, long Mailboxes, long LogBytes);

/// <summary>
/// Restores a backup's files into an (empty, locked) data directory, checking each file's SHA-256 again as it is
/// copied, and opens the store once so that its index is rebuilt from the restored log and checkpointed.
/// </summary>
public static class MailStoreRestore
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>
    /// Copies every file of <paramref name="manifest"/> from <paramref name="backupDirectory"/> into
    /// <paramref name="dataDirectory"/> (files 0600, directories 0700, everything fsync'd). Throws
    /// <see cref="BackupInvalidException"/> when a file no longer matches the manifest.
    /// </summary>
    public static async Task CopyFilesAsync(string backupDirectory, BackupManifest manifest, string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var directories = new HashSet<string>(StringComparer.Ordinal) { Path.GetFullPath(dataDirectory) };
        var buffer = new byte[CopyBufferSize];
        foreach (var file in manifest.Files)
        {
            var target = Path.Combine(dataDirectory, file.Path);
            var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
            if (directories.Add(parent))
            {
                OwnerOnly.CreateDirectory(parent);
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var input = new FileStream(Path.Combine(backupDirectory, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.SequentialScan))
            await using (var output = new FileStream(target, OwnerOnly.NewFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            {
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                output.Flush(flushToDisk: true);
                if (output.Length != file.Size || !string.Equals(Convert.ToHexStringLower(hash.GetHashAndReset()), file.Sha256, StringComparison.Ordinal))
                {
                    throw new BackupInvalidException($"backup file {file.Path} changed while it was restored (size or SHA-256 differs from the manifest)");
                }
            }
        }

        foreach (var directory in directories.OrderByDescending(d => d.Length))
        {
            DirectorySync.Sync(directory);
        }
    }

    /// <summary>Opens the restored store once (replaying the log into a new index and checkpointing it), counts it, and closes it.</summary>
    public static async Task<RestoredStore> OpenOnceAsync(StorageOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = FasterMailStore.Open(options, logger);
        await using (store.ConfigureAwait(false))
        {
            var (messages, mailboxes) = store.Index.Count();
            return new RestoredStore(messages, mailboxes, store.Log.TailAddress - store.Log.BeginAddress);
        }
    }
}
