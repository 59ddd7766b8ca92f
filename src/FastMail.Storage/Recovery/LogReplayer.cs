using FastMail.Storage.Index;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Recovery;

/// <summary>
/// Brings the index up to date by reading the committed log in order from an address (a checkpoint's, or the log's
/// begin for a full replay): commit records list messages, delete records unlist them, moved records relocate them, queue state records
/// replace a queued message's delivery state,
/// chunk records are only referenced. Chunks that no commit record names (crash mid-DATA, aborted writer) stay
/// invisible. Applying a record the index already reflects changes nothing, so a checkpoint may overlap the replay.
/// </summary>
internal static class LogReplayer
{
    /// <summary>
    /// Replays every committed record from <paramref name="from"/>. A damaged record (bad FASTER checksum, which FASTER's
    /// scanner checks only for pages it reads from disk, or a record this build cannot parse) is dropped with the rest
    /// of its page, logged, and replay resumes at the next page start (entries never span pages), so damage costs the
    /// mail in that page only and later mail stays reachable.
    /// </summary>
    public static ReplayResult Replay(MailLog log, MailIndex index, long from, bool fullReplay, ILogger logger)
    {
        long records = 0;
        long droppedBytes = 0;
        var start = from;
        var end = log.CommittedUntilAddress;
        while (start < end)
        {
            var damagedAt = ReplayUntilDamage(log, index, start, from, fullReplay, logger, ref records);
            if (damagedAt < 0)
            {
                break;
            }

            var resume = Math.Min(end, ((damagedAt >> log.PageSizeBits) + 1) << log.PageSizeBits);
            StorageLog.DamagedRecordDropped(logger, damagedAt, resume);
            droppedBytes += resume - damagedAt;
            start = resume;
        }

        return new ReplayResult(records, droppedBytes);
    }

    /// <summary>Replays from <paramref name="start"/>; returns -1 at the end, or the address of the first damaged record.</summary>
    private static unsafe long ReplayUntilDamage(MailLog log, MailIndex index, long start, long from, bool fullReplay, ILogger logger, ref long records)
    {
        using var iterator = log.ScanCommitted(start);
        var expected = start;
        while (true)
        {
            byte* entry;
            int length;
            long address;
            try
            {
                if (!iterator.UnsafeGetNext(out entry, out length, out address, out var next))
                {
                    return -1;
                }

                expected = next;
            }
            catch (FASTER.core.FasterException)
            {
                return expected;
            }

            try
            {
                // FASTER's per-entry header: checksum (8) then length (4), the checksum an XOR over length and payload.
                if (FASTER.core.Utility.XorBytes(entry - sizeof(int), length + sizeof(int)) != *(ulong*)(entry - RecordFormat.FasterEntryHeaderSize))
                {
                    return address;
                }

                // Intact bytes of a layout this build does not know come from a newer build, not from damage: refuse
                // to open rather than skip them (skipping a delete record would bring deleted mail back).
                if (length > 0 && !RecordFormat.IsKnownVersion(entry[0]))
                {
                    throw new NotSupportedException($"Log record at {address} has format version {entry[0]}; this build reads versions {RecordFormat.Version} to {RecordFormat.QueueVersion}. Run the newer build.");
                }

                Apply(new ReadOnlySpan<byte>(entry, length), address, index, from, fullReplay, logger);
            }
            catch (InvalidDataException)
            {
                return address;
            }
            finally
            {
                iterator.UnsafeRelease();
            }

            records++;
        }
    }

    private static void Apply(ReadOnlySpan<byte> record, long address, MailIndex index, long from, bool fullReplay, ILogger logger)
    {
        switch (RecordFormat.ReadPrefix(record, address))
        {
            case RecordKind.Commit or RecordKind.CommitWithEnvelope:
                var message = CommitRecord.Parse(record, address, out var mailboxes);
                index.Add(message, mailboxes);
                break;
            case RecordKind.Moved or RecordKind.MovedWithEnvelope:
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
            case RecordKind.QueueState:
                var state = QueueStateRecord.Parse(record, address, out var queued);
                index.SetQueueState(queued, state);
                break;
            default:
                break;
        }
    }
}
