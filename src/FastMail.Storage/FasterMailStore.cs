using System.Diagnostics;
using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;
using FastMail.Storage.Mailboxes;
using FastMail.Storage.Recovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Storage;

/// <summary>
/// The mail store on a FASTER log: every change is a log record (body chunk, message commit, delete, compaction copy),
/// made durable by group commit before the caller is answered; the mailbox index lives in memory, is checkpointed to
/// <c>mail/index</c> in the background and at close, and is rebuilt at open from the newest good checkpoint plus the
/// log after it. Thread-safe: any number of writers and mailbox sessions at once.
/// </summary>
public sealed class FasterMailStore : IMailStore, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ObjectPool<MessageWriter> _writers;
    private int _disposed;

    private FasterMailStore(MailLog log, MailIndex index, StorageOptions options, ILogger logger, CheckpointStore checkpoints, long checkpointedTail)
    {
        Log = log;
        Index = index;
        _logger = logger;
        FreeSpace = new FreeSpaceGuard(options.MailDirectory, options.MinFreeBytes, () => log.TailAddress);
        Journal = new StoreJournal(log, index, FreeSpace);
        _writers = new DefaultObjectPool<MessageWriter>(
            new MessageWriterPolicy(Journal, options.ChunkSize, log.MaxRecordSize, writer => _writers!.Return(writer)),
            Math.Max(1, options.MaxPooledWriters));
        Maintenance = new StoreMaintenance(log, index, Journal, checkpoints, options, logger, checkpointedTail);
    }

    internal StoreMaintenance Maintenance { get; }

    internal MailLog Log { get; }

    internal FreeSpaceGuard FreeSpace { get; }

    /// <summary>How writers, mailbox sessions and compaction change the store (append, hold, commit, apply, release).</summary>
    internal IStoreJournal Journal { get; }

    internal MailIndex Index { get; }

    /// <summary>
    /// Opens the store in <c>options.DataDirectory/mail</c>, creating it on first start, or recovering the last commit,
    /// loading the newest intact index checkpoint (falling back to the one before, or to a full replay) and replaying
    /// the log after it.
    /// </summary>
    public static FasterMailStore Open(StorageOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var started = Stopwatch.GetTimestamp();
        var log = MailLog.Open(options, logger);
        try
        {
            var dropped = TailInspector.BytesPastTail(options.MailDirectory, log.TailAddress, options.SegmentSizeBits);
            if (dropped > 0)
            {
                StorageLog.TailDropped(logger, dropped, log.TailAddress);
            }

            var missing = TailInspector.BytesMissingBeforeTail(options.MailDirectory, log.BeginAddress, log.TailAddress, options.SegmentSizeBits);
            if (missing > 0)
            {
                StorageLog.TailMissing(logger, missing, log.TailAddress);
            }

            var checkpoints = new CheckpointStore(options.MailDirectory, logger);
            MailIndex index;
            long checkpointedTail;
            ReplayResult replay;
            if (checkpoints.TryLoad(log.BeginAddress, log.CommittedUntilAddress) is var (loaded, covered))
            {
                index = loaded;
                replay = LogReplayer.Replay(log, index, covered, fullReplay: false, logger);
                StorageLog.RecoveredFromCheckpoint(logger, covered, replay.Records);
                checkpointedTail = covered;
            }
            else
            {
                index = new MailIndex();
                replay = LogReplayer.Replay(log, index, log.BeginAddress, fullReplay: true, logger);
                // A log without a checkpoint gets one at close (or sooner), so the next start is bounded.
                checkpointedTail = replay.Records > 0 ? -1 : log.TailAddress;
                if (replay.Records > 0)
                {
                    StorageLog.RecoveredByFullReplay(logger, replay.Records);
                }
            }

            if (replay.DroppedBytes > 0)
            {
                // Settle the damage now: a checkpoint past it means the next start neither re-reads nor re-reports it.
                checkpoints.Write(index.Snapshot(log.CommittedUntilAddress));
                checkpointedTail = log.TailAddress;
            }

            var (messages, mailboxes) = index.Count();
            if (log.IsNew)
            {
                StorageLog.NewStoreCreated(logger, options.MailDirectory);
            }
            else
            {
                StorageLog.Opened(logger, options.MailDirectory, messages, mailboxes, log.BeginAddress, log.TailAddress, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return new FasterMailStore(log, index, options, logger, checkpoints, checkpointedTail);
        }
        catch
        {
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public IMessageWriter BeginMessage()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        FreeSpace.ThrowIfLow();
        var writer = _writers.Get();
        writer.Start();
        return writer;
    }

    public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(mailbox);
        var snapshot = Index.TryLock(mailbox);
        return ValueTask.FromResult<IMailboxSession?>(snapshot is null ? null : new MailboxSession(Journal, Index, mailbox, snapshot));
    }

    /// <inheritdoc />
    public long GetMailboxUsage(string mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return Index.Usage(mailbox);
    }

    /// <summary>Stops background maintenance, commits what is still in memory, writes a last checkpoint, stops the commit loop and closes the log and its device.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Maintenance.DisposeAsync().ConfigureAwait(false);
        var tail = Log.TailAddress;
        await Log.DisposeAsync().ConfigureAwait(false);
        StorageLog.Closed(_logger, tail);
    }
}
