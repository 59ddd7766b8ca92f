using FastMail.Core.IO;

namespace FastMail.Migration;

/// <summary>
/// Exports into a Maildir the way a delivery agent writes one: each message is written to tmp/, flushed to disk and
/// renamed into new/ (so a reader never sees half a message), named like Dovecot's deliveries
/// (<see cref="MaildirFileName.Format"/>) with LF line ends. The delivery second in the name is the message's arrival,
/// held non-decreasing so that an import reads the messages back in mailbox order. An existing Maildir gets the
/// messages added; an empty directory becomes a Maildir; anything else is refused.
/// </summary>
internal sealed class MaildirWriter : IMailboxWriter
{
    private readonly string _tmp;
    private readonly string _new;
    private long _lastSeconds;

    private MaildirWriter(string path)
    {
        _tmp = Path.Combine(path, "tmp");
        _new = Path.Combine(path, "new");
    }

    public static MaildirWriter Create(string path)
    {
        if (File.Exists(path))
        {
            throw new MigrationException($"{path} is a file, not a Maildir directory");
        }

        if (Directory.Exists(path) && !MaildirReader.IsMaildir(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            throw new MigrationException($"{path} is a directory that is neither empty nor a Maildir");
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new MigrationException($"{parent} does not exist");
        }

        foreach (var folder in new[] { path, Path.Combine(path, "cur"), Path.Combine(path, "new"), Path.Combine(path, "tmp") })
        {
            // Mail is private: owner-only, as every file the server writes.
            OwnerOnly.CreateDirectory(folder);
        }

        return new MaildirWriter(path);
    }

    public long Write(long id, ReadOnlySpan<byte> header, DateTimeOffset arrival, Func<Stream> open)
    {
        var seconds = Math.Max(arrival.ToUnixTimeSeconds(), _lastSeconds);
        _lastSeconds = seconds;
        var temporary = Path.Combine(_tmp, MaildirFileName.Format(seconds, id, 0, 0));
        long bytes;
        long lines;
        try
        {
            using (var file = new FileStream(temporary, OwnerOnly.NewFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            using (var source = open())
            {
                (bytes, lines, _) = LfCopier.Copy(source, file, escapeFrom: false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path.Combine(_new, MaildirFileName.Format(seconds, id, bytes, bytes + lines)));
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return bytes;
    }

    /// <summary>The renames into new/ are made durable by syncing the directory.</summary>
    public void Complete() => DirectorySync.Sync(_new);

    public void Dispose()
    {
    }
}
