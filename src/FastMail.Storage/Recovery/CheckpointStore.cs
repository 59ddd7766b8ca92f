using System.Diagnostics;
using System.Globalization;
using FastMail.Storage.Index;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging;
using FastMail.Core.IO;

namespace FastMail.Storage.Recovery;

/// <summary>
/// The index checkpoints in <c>mail/index</c>, named <c>checkpoint-&lt;covered address&gt;.bin</c>. A new one is written to a
/// temp file, fsync'd, renamed into place and the directory fsync'd, so a crash leaves either the old set or the new
/// file whole; the newest two are kept, so one damaged file still leaves a fallback.
/// </summary>
internal sealed class CheckpointStore
{
    private const string Prefix = "checkpoint-";
    private const string Suffix = ".bin";
    private readonly string _directory;
    private readonly ILogger _logger;

    public CheckpointStore(string mailDirectory, ILogger logger)
    {
        _directory = Path.Combine(mailDirectory, "index");
        _logger = logger;
    }

    public string Directory => _directory;

    /// <summary>Writes <paramref name="snapshot"/> durably and deletes all but the newest two checkpoints. Returns its size in bytes.</summary>
    public long Write(IndexSnapshot snapshot)
    {
        var started = Stopwatch.GetTimestamp();
        var created = !System.IO.Directory.Exists(_directory);
        OwnerOnly.CreateDirectory(_directory);
        if (created)
        {
            DirectorySync.Sync(Path.GetDirectoryName(_directory)!);
        }

        var path = Path.Combine(_directory, Prefix + snapshot.CoveredAddress.ToString(CultureInfo.InvariantCulture) + Suffix);
        var temp = path + ".tmp";
        long size;
        var options = OwnerOnly.NewFileOptions(FileMode.Create, FileAccess.Write, FileShare.None);
        options.BufferSize = 0;
        using (var stream = new FileStream(temp, options))
        {
            CheckpointWriter.Write(stream, snapshot);
            stream.Flush(flushToDisk: true);
            size = stream.Length;
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Sync(_directory);
        Prune();
        StorageLog.CheckpointWritten(_logger, path, snapshot.CoveredAddress, size, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return size;
    }

    /// <summary>
    /// Loads the newest checkpoint that is intact and whose covered address lies inside the log
    /// [<paramref name="beginAddress"/>, <paramref name="committedUntil"/>] into a new index; null when there is none
    /// (the caller then replays the whole log). Every checkpoint passed over is logged with the reason.
    /// </summary>
    public (MailIndex Index, long Covered)? TryLoad(long beginAddress, long committedUntil)
    {
        foreach (var (path, _) in List())
        {
            try
            {
                var index = new MailIndex();
                var covered = CheckpointFormat.Read(File.ReadAllBytes(path), index);
                if (covered < beginAddress || covered > committedUntil)
                {
                    StorageLog.CheckpointOutsideLog(_logger, path, covered, beginAddress, committedUntil);
                    continue;
                }

                return (index, covered);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                StorageLog.CheckpointUnusable(_logger, path, e);
            }
        }

        return null;
    }

    /// <summary>Checkpoint files, newest (highest covered address) first; temp files from a crash are removed.</summary>
    private List<(string Path, long Address)> List()
    {
        var result = new List<(string, long)>();
        if (!System.IO.Directory.Exists(_directory))
        {
            return result;
        }

        foreach (var path in System.IO.Directory.GetFiles(_directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path);
                continue;
            }

            if (name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var address))
            {
                result.Add((path, address));
            }
        }

        result.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        return result;
    }

    private void Prune()
    {
        var files = List();
        for (var i = 2; i < files.Count; i++)
        {
            File.Delete(files[i].Path);
        }
    }
}
