using System.Globalization;
using FASTER.core;
using FastMail.Storage.Log;

namespace FastMail.Storage.Backup;

/// <summary>What a log snapshot covered: the log's begin and committed addresses at the backup's moment.</summary>
public readonly record struct MailLogSnapshot(long BeginAddress, long CommittedAddress, DateTimeOffset TakenUtc);

/// <summary>
/// A consistent copy of the mail log of a running (or stopped) store, without stopping writers.
/// <para>
/// Why this is a consistent backup. Every mail change (body chunk, message commit, POP3 delete, queue state, compaction
/// copy) is a record in the FasterLog, and a 250 or a POP3 +OK is sent only after the log's CommittedUntilAddress has
/// passed the change's records (FASTER updates that address before it completes the commit's waiters). So the log
/// prefix [begin, C), C read when the backup starts, holds every acknowledged change up to that moment, and it is
/// exactly the state a crash at that moment would leave: chunks that no commit record names (a message still in DATA)
/// stay invisible after replay, as after a crash, so no half message appears.
/// </para>
/// <para>
/// How the copy is made. Under the maintenance job lock (<see cref="StoreMaintenance.RunExclusiveAsync{T}"/>) no
/// compaction truncates the log or deletes segment files and no checkpoint runs. Then C and the begin address B are
/// read, and the segment files holding [B, C) are copied while the server keeps appending: bytes below a committed
/// address never change in this append-only log (FASTER rewrites a partial last sector, but with the same bytes below
/// the old tail), so reading them while later pages are being written is safe. The segment holding C is copied only up
/// to C and padded with zeros to the 512-byte sector, which is what FASTER's own writes leave after the last entry;
/// segments past C are not copied. The live commit slots are not copied either (they are rewritten in place and may
/// already describe a later commit, whose bytes the copy lacks); instead the backup gets fresh slot files
/// (<see cref="SlotCommitManager"/>) holding one FASTER commit record (<see cref="FasterLogRecoveryInfo"/>, no
/// iterators, no cookie: the mail log uses neither) for exactly [B, C).
/// </para>
/// <para>
/// Why FASTER recovers exactly [B, C) from that (FasterLog.RestoreLatest in 2.6.5): it loads the newest valid commit
/// metadata (ours: B, C); in fast commit mode it then scans forward from C for later in-log commit records, and finds
/// only the zero padding (a zero length skips to the next page, which is past the end of the file, so the scan stops);
/// it restores the hybrid log with its tail at C. Had the copy included bytes past C, that scan could have accepted a
/// later commit record whose preceding entries the copy had read before they were written: the reason the copy stops
/// at C. The index (DATA/mail/kv) is not copied: FasterMailStore.Open finds no checkpoint and rebuilds the index by a
/// full replay of the restored log, then checkpoints it; the cost is one replay at restore, in exchange for no
/// question whether a checkpoint copied mid-write matches the log.
/// </para>
/// </summary>
public static class MailLogBackup
{
    /// <summary>The mail directory's name inside a backup, as inside a data directory.</summary>
    public const string Directory = "mail";

    // FASTER pads every write to the device's sector; ManagedLocalStorageDevice on Linux uses 512 bytes.
    private const int SectorSize = 512;

    /// <summary>Copies the committed mail log of <paramref name="store"/> into <paramref name="writer"/>'s "mail" directory.</summary>
    public static Task<MailLogSnapshot> CopyAsync(FasterMailStore store, BackupWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(writer);
        return store.Maintenance.RunExclusiveAsync(() => CopyLockedAsync(store, writer, cancellationToken), cancellationToken);
    }

    private static async Task<MailLogSnapshot> CopyLockedAsync(FasterMailStore store, BackupWriter writer, CancellationToken cancellationToken)
    {
        var log = store.Log;
        var options = store.Options;

        // Begin first: it moves only under the job lock we hold, so it cannot pass C.
        var begin = log.BeginAddress;
        var committed = log.CommittedUntilAddress;
        var taken = DateTimeOffset.UtcNow;
        if (committed <= begin || SlotCommitManager.HasNoCommits(options.MailDirectory))
        {
            // Nothing committed: the restored store starts as a new one would.
            return new MailLogSnapshot(begin, committed, taken);
        }

        var bits = options.SegmentSizeBits;
        var segmentSize = 1L << bits;
        for (var segment = begin >> bits; segment <= (committed - 1) >> bits; segment++)
        {
            var name = "mail.log." + segment.ToString(CultureInfo.InvariantCulture);
            var length = Math.Min(committed - (segment << bits), segmentSize);
            await writer.CopyAsync(Path.Combine(options.MailDirectory, name), Directory + "/" + name, length, SectorSize, cancellationToken).ConfigureAwait(false);
        }

        WriteCommit(writer.Target(Directory + "/commit-slot-0"), begin, committed);
        writer.AddWritten(Directory + "/commit-slot-0");
        writer.AddWritten(Directory + "/commit-slot-1");
        return new MailLogSnapshot(begin, committed, taken);
    }

    /// <summary>Fresh commit slots in the backup's mail directory describing the log [begin, committed).</summary>
    private static void WriteCommit(string slotPath, long begin, long committed)
    {
        var info = new FasterLogRecoveryInfo
        {
            BeginAddress = begin,
            UntilAddress = committed,
            CommitNum = 1,
        };
        using var commits = new SlotCommitManager(Path.GetDirectoryName(slotPath)!);
        commits.Commit(begin, committed, info.ToByteArray(), info.CommitNum, forceWriteMetadata: true);
    }
}
