using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using FastMail.Core.IO;

namespace FastMail.Storage.Backup;

/// <summary>One file of a backup: its path relative to the backup directory ('/'-separated), size and SHA-256 (lower-case hex).</summary>
public sealed record BackupFile(string Path, long Size, string Sha256);

/// <summary>
/// manifest.json of a backup directory: what the backup holds and how to check it. Restore reads it first and verifies
/// every file's size and SHA-256 before it touches the data directory (<see cref="Verify"/>), so a truncated, tampered
/// or half-copied backup is refused rather than restored.
/// </summary>
public sealed record BackupManifest
{
    public const string FileName = "manifest.json";

    /// <summary>The layout this build writes and reads; a backup of another format is refused, not guessed at.</summary>
    public const int CurrentFormatVersion = 1;

    public required int FormatVersion { get; init; }

    public required string FastMailVersion { get; init; }

    /// <summary>When the mail log's committed address was taken: the backup's moment.</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The mail log's begin address at the backup's moment (0 when the backup holds no mail log).</summary>
    public required long LogBeginAddress { get; init; }

    /// <summary>The mail log's committed address at the backup's moment: the restored log ends exactly here.</summary>
    public required long LogCommittedAddress { get; init; }

    public required IReadOnlyList<BackupFile> Files { get; init; }

    /// <summary>Writes the manifest into <paramref name="directory"/> (0600, fsync'd; the caller syncs the directory).</summary>
    public void Write(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this, BackupJsonContext.Default.BackupManifest);
        using var stream = new FileStream(path, OwnerOnly.NewFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None));
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads the manifest of the backup in <paramref name="directory"/>; throws <see cref="BackupInvalidException"/> when it is missing, unreadable or of another format.</summary>
    public static BackupManifest Read(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new BackupInvalidException($"{directory} is not a fastmail backup (no {FileName})");
        }

        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), BackupJsonContext.Default.BackupManifest);
        }
        catch (JsonException e)
        {
            throw new BackupInvalidException($"{path} is damaged: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new BackupInvalidException($"{path} is empty");
        }

        if (manifest.FormatVersion != CurrentFormatVersion)
        {
            throw new BackupInvalidException($"{path} has format version {manifest.FormatVersion}; this fastmail reads version {CurrentFormatVersion}");
        }

        foreach (var file in manifest.Files)
        {
            if (!IsSafeRelativePath(file.Path))
            {
                throw new BackupInvalidException($"{path} names a file outside the backup: '{file.Path}'");
            }
        }

        return manifest;
    }

    /// <summary>
    /// Checks that every listed file exists in <paramref name="directory"/> with its size and SHA-256; throws
    /// <see cref="BackupInvalidException"/> naming the first one that does not. Reads every byte of the backup.
    /// </summary>
    public void Verify(string directory)
    {
        foreach (var file in Files)
        {
            var path = System.IO.Path.Combine(directory, file.Path);
            if (!File.Exists(path))
            {
                throw new BackupInvalidException($"backup file {file.Path} is missing");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            if (stream.Length != file.Size)
            {
                throw new BackupInvalidException($"backup file {file.Path} has {stream.Length} bytes, the manifest says {file.Size}");
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(hash, file.Sha256, StringComparison.Ordinal))
            {
                throw new BackupInvalidException($"backup file {file.Path} fails its checksum (SHA-256 {hash}, the manifest says {file.Sha256})");
            }
        }
    }

    /// <summary>A relative path that stays inside the directory it is joined to: no root, no "..", no empty or "." part.</summary>
    internal static bool IsSafeRelativePath(string path)
    {
        if (string.IsNullOrEmpty(path) || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var part in path.Split('/'))
        {
            if (part is "" or "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The backup cannot be restored: no manifest, another format, or a file missing, cut short or changed.</summary>
public sealed class BackupInvalidException(string message, Exception? inner = null) : IOException(message, inner);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class BackupJsonContext : JsonSerializerContext;
