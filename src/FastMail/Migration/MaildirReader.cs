namespace FastMail.Migration;

/// <summary>One message file of a Maildir, with the delivery order read from its name.</summary>
internal sealed record MaildirMessage(string Path, string Label, long Seconds, long Micro);

/// <summary>
/// Lists the messages of a Maildir in the order they were delivered: cur/ and new/ together, by the delivery second in
/// the file name, then the M number (microseconds), then the name; a name without a leading number sorts by the file's
/// modification time. tmp/ holds deliveries still in progress (or abandoned) and is never read; names starting with "."
/// are hidden files. Maildir++ folders (.Sent, .Trash) are separate mailboxes and only listed, not read.
/// </summary>
internal static class MaildirReader
{
    public static bool IsMaildir(string path) =>
        Directory.Exists(System.IO.Path.Combine(path, "cur")) && Directory.Exists(System.IO.Path.Combine(path, "new"));

    public static List<MaildirMessage> List(string maildir)
    {
        var messages = new List<MaildirMessage>();
        foreach (var folder in new[] { "cur", "new" })
        {
            foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(maildir, folder)))
            {
                var name = System.IO.Path.GetFileName(file);
                if (name.StartsWith('.'))
                {
                    continue;
                }

                if (!MaildirFileName.TryParse(name, out var seconds, out var micro))
                {
                    seconds = new DateTimeOffset(File.GetLastWriteTimeUtc(file)).ToUnixTimeSeconds();
                }

                messages.Add(new MaildirMessage(file, folder + "/" + name, seconds, micro));
            }
        }

        messages.Sort(static (a, b) =>
        {
            var order = a.Seconds.CompareTo(b.Seconds);
            order = order != 0 ? order : a.Micro.CompareTo(b.Micro);
            return order != 0 ? order : string.CompareOrdinal(System.IO.Path.GetFileName(a.Path), System.IO.Path.GetFileName(b.Path));
        });
        return messages;
    }

    /// <summary>The Maildir++ subfolders (".Sent", ".Trash"...): each is a Maildir of its own.</summary>
    public static List<string> Folders(string maildir) =>
        Directory.EnumerateDirectories(maildir, ".*")
            .Where(IsMaildir)
            .Select(path => System.IO.Path.GetFileName(path)!)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Copies the file's bytes into <paramref name="sink"/> as they are.</summary>
    public static void Copy(MaildirMessage message, IMessageSink sink, byte[] buffer)
    {
        using var file = new FileStream(message.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            sink.Write(buffer.AsSpan(0, read));
        }
    }
}
