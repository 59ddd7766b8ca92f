using System.Security.Cryptography;
using FastMail.Core.IO;

namespace FastMail.Storage.Backup;

/// <summary>
/// Fills a backup directory: each file is copied (or a prefix of it), hashed while copied, fsync'd, and listed for the
/// manifest; <see cref="Complete"/> writes manifest.json last and fsyncs every directory, so a backup whose manifest
/// exists is whole. Everything is owner-only (directories 0700, files 0600): a backup holds mail and password hashes.
/// </summary>
public sealed class BackupWriter
{
    private const int CopyBufferSize = 1 << 20;
    private readonly List<BackupFile> _files = [];
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    private BackupWriter(string directory) => Directory = directory;

    /// <summary>The backup directory (absolute).</summary>
    public string Directory { get; }

    /// <summary>Bytes written so far.</summary>
    public long Bytes { get; private set; }

    public IReadOnlyList<BackupFile> Files => _files;

    /// <summary>Starts a backup in <paramref name="directory"/>, which must not exist or be empty (IOException otherwise).</summary>
    public static BackupWriter Create(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (System.IO.Directory.Exists(full) && System.IO.Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new IOException($"backup directory {full} is not empty");
        }

        if (File.Exists(full))
        {
            throw new IOException($"{full} is a file, not a directory");
        }

        OwnerOnly.CreateDirectory(full);
        if (!OperatingSystem.IsWindows())
        {
            // An existing empty directory may have been made with a looser umask; the backup holds mail.
            File.SetUnixFileMode(full, OwnerOnly.DirectoryMode);
        }
        var parent = Path.GetDirectoryName(full);
        if (parent is not null)
        {
            DirectorySync.Sync(parent);
        }

        var writer = new BackupWriter(full);
        writer._directories.Add(full);
        return writer;
    }

    /// <summary>
    /// Copies the first <paramref name="length"/> bytes of <paramref name="source"/> (all of it when null) to
    /// <paramref name="relativePath"/> ('/'-separated), then zeros up to a multiple of <paramref name="padTo"/> bytes.
    /// The source may be open for writing elsewhere: only bytes that no longer change may be asked for.
    /// </summary>
    public async Task CopyAsync(string source, string relativePath, long? length, int padTo, CancellationToken cancellationToken)
    {
        var target = Target(relativePath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, CopyBufferSize, FileOptions.SequentialScan))
        await using (var output = new FileStream(target, OwnerOnly.NewFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
        {
            var wanted = length ?? input.Length;
            var buffer = new byte[CopyBufferSize];
            while (written < wanted)
            {
                var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, wanted - written)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"{source} ended at {written} bytes, {wanted} were expected");
                }

                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                written += read;
            }

            if (padTo > 1 && written % padTo != 0)
            {
                var zeros = new byte[padTo - (written % padTo)];
                hash.AppendData(zeros);
                await output.WriteAsync(zeros, cancellationToken).ConfigureAwait(false);
                written += zeros.Length;
            }

            output.Flush(flushToDisk: true);
        }

        Add(relativePath, written, hash);
    }

    /// <summary>Lists a file already written into the backup directory by other means (it is hashed and fsync'd here).</summary>
    public void AddWritten(string relativePath)
    {
        var path = Path.Combine(Directory, relativePath);
        OwnerOnly.Restrict(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            stream.Flush(flushToDisk: true);
            size = stream.Length;
            var buffer = new byte[CopyBufferSize];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        Add(relativePath, size, hash);
    }

    /// <summary>The absolute path of <paramref name="relativePath"/> inside the backup, its directories created (0700).</summary>
    public string Target(string relativePath)
    {
        if (!BackupManifest.IsSafeRelativePath(relativePath))
        {
            throw new ArgumentException($"'{relativePath}' is not a path inside the backup", nameof(relativePath));
        }

        var target = Path.Combine(Directory, relativePath);
        var parent = Path.GetDirectoryName(target)!;
        if (_directories.Add(parent))
        {
            OwnerOnly.CreateDirectory(parent);
        }

        return target;
    }

    /// <summary>Writes manifest.json with the files copied so far and fsyncs every directory of the backup.</summary>
    public BackupManifest Complete(string fastMailVersion, DateTimeOffset created, long logBeginAddress, long logCommittedAddress)
    {
        var manifest = new BackupManifest
        {
            FormatVersion = BackupManifest.CurrentFormatVersion,
            FastMailVersion = fastMailVersion,
            CreatedUtc = created,
            LogBeginAddress = logBeginAddress,
            LogCommittedAddress = logCommittedAddress,
            Files = [.. _files],
        };
        manifest.Write(Directory);

        // Deepest first, so that each directory's entry in its parent is synced after its own contents.
        foreach (var directory in _directories.OrderByDescending(d => d.Length))
        {
            DirectorySync.Sync(directory);
        }

        return manifest;
    }

    private void Add(string relativePath, long size, IncrementalHash hash)
    {
        _files.Add(new BackupFile(relativePath, size, Convert.ToHexStringLower(hash.GetHashAndReset())));
        Bytes += size;
    }
}
