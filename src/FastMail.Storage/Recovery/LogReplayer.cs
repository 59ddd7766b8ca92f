using System.Buffers;
using FastMail.Storage.Index;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Recovery;

/// <summary>
/// Rebuilds the index by reading the committed log in order: commit records list messages, delete records unlist them,
/// chunk records are only referenced. Chunks that no commit record names (crash mid-DATA, aborted writer) stay invisible.
/// Everything replayed was committed, so nothing acknowledged is missed and nothing unacknowledged appears torn.
/// </summary>
internal static class LogReplayer
{
    /// <summary>Replays every committed record into <paramref name="index"/>; returns the number of records read.</summary>
    public static long Replay(MailLog log, MailIndex index, ILogger logger)
    {
        long records = 0;
        using var iterator = log.ScanCommitted();
        while (iterator.GetNext(MemoryPool<byte>.Shared, out var owner, out var length, out var address))
        {
            using (owner)
            {
                Apply(owner.Memory.Span[..length], address, index, logger);
            }

            records++;
        }

        return records;
    }

    private static void Apply(ReadOnlySpan<byte> record, long address, MailIndex index, ILogger logger)
    {
        switch (RecordFormat.ReadPrefix(record, address))
        {
            case RecordKind.Commit:
                var message = CommitRecord.Parse(record, address, out var mailboxes);
                index.Add(message, mailboxes);
                break;
            case RecordKind.Delete:
                var ids = DeleteRecord.Parse(record, address, out var mailbox);
                var missing = index.Remove(mailbox, ids);
                if (missing is not null)
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
