using System.Buffers;
using FastMail.Storage.Index;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Recovery;

/// <summary>
/// Brings the index up to date by reading the committed log in order from an address (a checkpoint's, or the log's
/// begin for a full replay): commit records list messages, delete records unlist them, moved records relocate them,
/// chunk records are only referenced. Chunks that no commit record names (crash mid-DATA, aborted writer) stay
/// invisible. Applying a record the index already reflects changes nothing, so a checkpoint may overlap the replay.
/// </summary>
internal static class LogReplayer
{
    /// <summary>Replays every committed record from <paramref name="from"/>; returns the number of records read.</summary>
    public static long Replay(MailLog log, MailIndex index, long from, bool fullReplay, ILogger logger)
    {
        long records = 0;
        using var iterator = log.ScanCommitted(from);
        while (iterator.GetNext(MemoryPool<byte>.Shared, out var owner, out var length, out var address))
        {
            using (owner)
            {
                Apply(owner.Memory.Span[..length], address, index, from, fullReplay, logger);
            }

            records++;
        }

        return records;
    }

    private static void Apply(ReadOnlySpan<byte> record, long address, MailIndex index, long from, bool fullReplay, ILogger logger)
    {
        switch (RecordFormat.ReadPrefix(record, address))
        {
            case RecordKind.Commit:
                var message = CommitRecord.Parse(record, address, out var mailboxes);
                index.Add(message, mailboxes);
                break;
            case RecordKind.Moved:
                // If the message is not live, either a delete came first (ignore the copy) or, in a full replay, its
                // original commit record was truncated away; then the copy's mailbox list is the truth at this point
                // (compaction leaves out mailboxes with a delete in flight, see MailIndex.AppendWhileListed).
                var copy = CommitRecord.Parse(record, address, out var listed);
                index.ApplyMoved(copy, listed, mayList: fullReplay && copy.Id < from);
                break;
            case RecordKind.Delete:
                var ids = DeleteRecord.Parse(record, address, out var mailbox);
                var missing = index.Remove(mailbox, ids);
                if (missing is not null && fullReplay)
                {
                    foreach (var id in missing)
                    {
                        StorageLog.DeleteOfUnknownMessage(logger, address, id, mailbox);
                    }
                }

                break;
            default:
                break;
        }
    }
}
