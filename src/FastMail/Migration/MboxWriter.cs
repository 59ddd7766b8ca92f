using FastMail.Core.IO;

namespace FastMail.Migration;

/// <summary>
/// Exports into a new mbox file in mboxrd form: per message a "From SENDER DATE" line (the Return-Path's reverse-path,
/// MAILER-DAEMON for &lt;&gt; or none, and the arrival time in asctime form, as Postfix's local(8) writes it), the message
/// with LF line ends and "&gt;" added before every "From " and "&gt;...From " line, then an empty line. An existing file is
/// never overwritten.
/// </summary>
internal sealed class MboxWriter : IMailboxWriter
{
    private readonly FileStream _file;
    private readonly BufferedStream _output;

    private MboxWriter(FileStream file)
    {
        _file = file;
        _output = new BufferedStream(file, 64 * 1024);
    }

    public static MboxWriter Create(string path)
    {
        if (Directory.Exists(path) || File.Exists(path))
        {
            throw new MigrationException($"{path} already exists (export writes a new mbox file, it does not overwrite or append)");
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new MigrationException($"{parent} does not exist");
        }

        return new MboxWriter(new FileStream(path, OwnerOnly.NewFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None)));
    }

    public long Write(long id, ReadOnlySpan<byte> header, DateTimeOffset arrival, Func<Stream> open)
    {
        var sender = HeaderFields.ReturnPath(header);
        if (string.IsNullOrEmpty(sender) || sender.Any(char.IsWhiteSpace))
        {
            sender = "MAILER-DAEMON";
        }

        // Opened before the separator is written: a message deleted meanwhile leaves no separator without a message.
        using var source = open();
        var separator = System.Text.Encoding.Latin1.GetBytes($"From {sender} {HeaderFields.AscTime(arrival)}\n");
        _output.Write(separator);
        var (bytes, _, endsWithLf) = LfCopier.Copy(source, _output, escapeFrom: true);

        // The message ends with its own line end (added when missing), then the empty line that ends it in the mbox.
        _output.Write(endsWithLf || bytes == 0 ? "\n"u8 : "\n\n"u8);
        return separator.Length + bytes + (endsWithLf || bytes == 0 ? 1 : 2);
    }

    public void Complete()
    {
        _output.Flush();
        _file.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        _output.Dispose();
        _file.Dispose();
    }
}
