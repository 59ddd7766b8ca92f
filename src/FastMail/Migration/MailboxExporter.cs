using FastMail.Core.Services;
using FastMail.Hosting.Admin;
using Microsoft.Extensions.Logging;

namespace FastMail.Migration;

/// <summary>
/// Exports a user's mailbox into a Maildir or an mbox file, oldest first (the POP3 order). Reads through the store's
/// lock-free browser: a POP3 session that holds the mailbox meanwhile is neither blocked nor disturbed, and nothing in
/// the mailbox changes. A message deleted by POP3 while the export runs is left out and named.
/// </summary>
internal sealed partial class MailboxExporter(MigrationServices services)
{
    private const int PageSize = 1000;

    public Task<AdminReply> ExportAsync(string user, string path, MailboxFormat format, CancellationToken cancellationToken)
    {
        var (mailbox, _) = services.ResolveUser(user);
        var summary = new ImportSummary();
        using (IMailboxWriter writer = format == MailboxFormat.Maildir ? MaildirWriter.Create(path) : MboxWriter.Create(path))
        {
            var exportTime = DateTimeOffset.UtcNow;
            foreach (var message in ListOldestFirst(services.Browser, mailbox))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var label = $"message {message.Id}";
                try
                {
                    var header = ReadHeader(services.Browser, mailbox, message.Id);
                    var arrival = HeaderFields.Arrival(header) ?? exportTime;
                    summary.Stored(writer.Write(message.Id, header, arrival, () => services.Browser.OpenRead(mailbox, message.Id)));
                }
                catch (KeyNotFoundException)
                {
                    summary.Skip(label, "deleted", "removed by a POP3 session during the export");
                }
            }

            writer.Complete();
        }

        summary.Lines.Add(summary.Total("exported") + $" to {path}");
        ExportDone(services.Logger, mailbox, summary.Imported, path);
        return Task.FromResult(AdminReply.Ok(summary.Lines));
    }

    /// <summary>Every message of <paramref name="mailbox"/>, by id (the POP3 order), read page by page without the mailbox lock.</summary>
    public static List<BrowsedMessage> ListOldestFirst(IMailboxBrowser browser, string mailbox)
    {
        var all = new List<BrowsedMessage>();
        var before = long.MaxValue;
        while (true)
        {
            var page = browser.ListNewest(mailbox, before, PageSize);
            if (page.Messages.Count == 0)
            {
                break;
            }

            all.AddRange(page.Messages);
            before = page.Messages[^1].Sequence;
        }

        all.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return all;
    }

    /// <summary>The header block of a stored message (at most <see cref="StoreMessageSink.MaxHeaderBytes"/>).</summary>
    public static byte[] ReadHeader(IMailboxBrowser browser, string mailbox, long id)
    {
        using var stream = browser.OpenRead(mailbox, id);
        var buffer = new byte[StoreMessageSink.MaxHeaderBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = stream.Read(buffer, length, Math.Min(8192, buffer.Length - length));
            if (read == 0)
            {
                break;
            }

            var end = HeaderFields.EndOfHeader(buffer.AsSpan(0, length + read), Math.Max(0, length - 3));
            length += read;
            if (end >= 0)
            {
                return buffer[..end];
            }
        }

        return buffer[..length];
    }

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Export of {Mailbox} done: {Count} messages to {Path}")]
    private static partial void ExportDone(ILogger logger, string mailbox, long count, string path);
}
