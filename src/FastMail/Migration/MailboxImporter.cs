using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Core.Storage;
using FastMail.Hosting.Admin;
using Microsoft.Extensions.Logging;

namespace FastMail.Migration;

/// <summary>
/// Imports a Maildir or an mbox file into a user's mailbox: each message's bytes as they are (no Return-Path or Received
/// added; bare LF becomes CRLF, the store's line end), in delivery order, through the delivery step's commit (one durable
/// commit per message, as after SMTP DATA; up to <see cref="Window"/> commits in flight so their fsyncs are shared, in
/// order: a message's id is its commit record's place in the log, and POP3 lists by id).
/// <para>
/// Nothing is dropped silently. An empty message is skipped and named; so is an unreadable file (the rest go on, exit 1).
/// A message already in the mailbox (same Message-ID and size, counted: two copies in the mailbox match two copies in the
/// source) is skipped, so importing the same Maildir again adds nothing; "--duplicates import" turns that off. The quota
/// does not stop an import: the mail was accepted by the old server already, and stopping halfway would leave a partial
/// mailbox; the report says how far over quota the mailbox went (SMTP then refuses new mail until the quota is raised
/// or mail removed). A full disk stops the import; what was committed stays.
/// </para>
/// </summary>
internal sealed partial class MailboxImporter(MigrationServices services)
{
    /// <summary>Commits in flight at once.</summary>
    private const int Window = 32;

    /// <summary>Progress is logged every this many messages.</summary>
    private const int ProgressEvery = 5000;

    public async Task<AdminReply> ImportAsync(string user, string path, MailboxFormat? format, bool skipDuplicates, CancellationToken cancellationToken)
    {
        var (mailbox, address) = services.ResolveUser(user);
        var found = MailboxFormats.Detect(path, format);
        var summary = new ImportSummary();
        var usageBefore = services.Store.GetMailboxUsage(mailbox);
        var existing = skipDuplicates ? ExistingMessages(mailbox) : null;
        var run = new Run(services, summary, mailbox, address, existing, cancellationToken);
        Exception? failure = null;
        try
        {
            if (found == MailboxFormat.Maildir)
            {
                await ImportMaildirAsync(path, run);
            }
            else
            {
                await ImportMboxAsync(path, run);
            }
        }
        catch (Exception e) when (e is StorageFullException or StorageUnavailableException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            failure = e;
        }

        // Every commit in flight settles before the report, so its counts are what the mailbox holds.
        var commitFailure = await run.DrainAsync();
        failure ??= commitFailure;
        var error = failure switch
        {
            null => null,
            StorageFullException => "stopped: the mail store is full",
            OperationCanceledException => "stopped: the server is stopping",
            _ => "stopped: " + failure.Message,
        };

        AddQuotaWarning(summary, mailbox, usageBefore);
        summary.Lines.Add(summary.Total());
        ImportDone(services.Logger, mailbox, summary.Imported, summary.Bytes, summary.Skipped);
        if (error is not null)
        {
            return new AdminReply(summary.Lines, $"{error} (after importing {summary.Imported} messages; run the same import again to continue: messages already imported are skipped)");
        }

        return summary.Failed > 0
            ? new AdminReply(summary.Lines, $"{summary.Failed} {(summary.Failed == 1 ? "message" : "messages")} could not be read")
            : AdminReply.Ok(summary.Lines);
    }

    private static async Task ImportMaildirAsync(string path, Run run)
    {
        var folders = MaildirReader.Folders(path);
        var buffer = new byte[64 * 1024];
        foreach (var message in MaildirReader.List(path))
        {
            await run.ImportAsync(message.Label, sink => MaildirReader.Copy(message, sink, buffer));
        }

        if (folders.Count > 0)
        {
            run.Summary.Lines.Add($"note: {folders.Count} Maildir++ {(folders.Count == 1 ? "folder was" : "folders were")} not imported ({string.Join(", ", folders)}): POP3 has one mailbox; import a folder by its path if wanted");
        }
    }

    private static async Task ImportMboxAsync(string path, Run run)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var reader = new MboxReader(file);
        while (true)
        {
            var label = "";
            var more = false;
            await run.ImportAsync(() => label, sink => more = reader.ReadNext(sink, out label), () => more);
            if (!more)
            {
                return;
            }
        }
    }

    /// <summary>Message-ID and size of every message the mailbox holds now, with how many copies of each.</summary>
    private Dictionary<(string, long), int> ExistingMessages(string mailbox)
    {
        var result = new Dictionary<(string, long), int>();
        foreach (var message in MailboxExporter.ListOldestFirst(services.Browser, mailbox))
        {
            byte[] header;
            try
            {
                header = MailboxExporter.ReadHeader(services.Browser, mailbox, message.Id);
            }
            catch (KeyNotFoundException)
            {
                continue;
            }

            if (HeaderFields.First(header, "Message-ID") is { Length: > 0 } id)
            {
                result[(id, message.Length)] = result.GetValueOrDefault((id, message.Length)) + 1;
            }
        }

        return result;
    }

    private void AddQuotaWarning(ImportSummary summary, string mailbox, long usageBefore)
    {
        var quota = services.Directory.GetQuota(mailbox);
        var usage = services.Store.GetMailboxUsage(mailbox);
        if (quota is > 0 and < long.MaxValue && usage > quota && summary.Imported > 0)
        {
            summary.Lines.Add($"warning: {mailbox} is over its quota now: {usage} bytes of {quota} (it held {usageBefore} before the import); SMTP refuses new mail for it until mail is removed or the quota raised (fastmail user quota)");
        }
    }

    /// <summary>One import in progress: the commits in flight, the duplicate counts, the summary.</summary>
    private sealed class Run(MigrationServices services, ImportSummary summary, string mailbox, string address, Dictionary<(string, long), int>? existing, CancellationToken cancellationToken)
    {
        private readonly Queue<(Task<long> Commit, IMessageWriter Writer, long Bytes)> _inFlight = new();

        public ImportSummary Summary => summary;

        public Task ImportAsync(string label, Action<IMessageSink> copy) => ImportAsync(() => label, copy, () => true);

        /// <summary>Copies one message into a new store writer and commits it, or skips it; <paramref name="present"/> false: there was no message.</summary>
        public async Task ImportAsync(Func<string> label, Action<IMessageSink> copy, Func<bool> present)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var writer = services.Delivery.BeginMessage();
            var sink = new StoreMessageSink(writer);
            try
            {
                copy(sink);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not StorageFullException and not StorageUnavailableException)
            {
                writer.Dispose();
                summary.Skip(label(), "unreadable", e.Message, failure: true);
                return;
            }
            catch
            {
                writer.Dispose();
                throw;
            }

            if (!present())
            {
                writer.Dispose();
                return;
            }

            if (sink.Length == 0)
            {
                writer.Dispose();
                summary.Skip(label(), "empty");
                return;
            }

            if (existing is not null && HeaderFields.First(sink.Header, "Message-ID") is { Length: > 0 } messageId
                && existing.TryGetValue((messageId, sink.Length), out var copies) && copies > 0)
            {
                existing[(messageId, sink.Length)] = copies - 1;
                writer.Dispose();
                summary.Skip(label(), "duplicate", "already in the mailbox: same Message-ID and size");
                return;
            }

            var envelope = new Envelope(256);
            var sender = HeaderFields.ReturnPath(sink.Header) ?? "";
            envelope.SetSender(Encoding.UTF8.GetBytes(sender), default, default);
            envelope.AddRecipient(Encoding.UTF8.GetBytes(address), default, default, mailbox);
            Task<long> commit;
            try
            {
                commit = services.Delivery.CommitAsync(envelope, writer, CancellationToken.None).AsTask();
            }
            catch
            {
                writer.Dispose();
                throw;
            }

            _inFlight.Enqueue((commit, writer, sink.Length));
            if (_inFlight.Count >= Window)
            {
                await SettleOldestAsync();
            }
        }

        /// <summary>Waits for every commit still in flight; returns the first failure, once all have settled.</summary>
        public async Task<Exception?> DrainAsync()
        {
            Exception? failure = null;
            while (_inFlight.Count > 0)
            {
                try
                {
                    await SettleOldestAsync();
                }
                catch (Exception e) when (e is StorageFullException or StorageUnavailableException)
                {
                    failure ??= e;
                }
            }

            return failure;
        }

        private async Task SettleOldestAsync()
        {
            var (commit, writer, bytes) = _inFlight.Dequeue();
            try
            {
                await commit;
                summary.Stored(bytes);
                if (summary.Imported % ProgressEvery == 0)
                {
                    ImportProgress(services.Logger, mailbox, summary.Imported);
                }
            }
            finally
            {
                writer.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Import into {Mailbox}: {Count} messages so far")]
    private static partial void ImportProgress(ILogger logger, string mailbox, long count);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Import into {Mailbox} done: {Count} messages ({Bytes} bytes) imported, {Skipped} skipped")]
    private static partial void ImportDone(ILogger logger, string mailbox, long count, long bytes, long skipped);
}
