using System.Diagnostics;
using FastMail.Core.Services;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;
using FastMail.Storage.Mailboxes;
using FastMail.Storage.Queue;
using FastMail.Storage.Recovery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Storage;

/// <summary>
/// The mail store: every change is a record in a FASTER log (body chunk, message commit, delete, compaction copy), made
/// durable by group commit before the caller is answered; the mailbox index lives in a FasterKV (<see cref="MailIndex"/>),
/// checkpointed in the background and at close, and brought up to date at open by FASTER's checkpoint recovery plus a
/// replay of the log after the address that checkpoint covers. Thread-safe: any number of writers and mailbox sessions.
/// </summary>
public sealed class FasterMailStore : IMailStore, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly ObjectPool<MessageWriter> _writers;
    private int _disposed;

    private FasterMailStore(MailLog log, MailIndex index, StorageOptions options, ILogger logger, long checkpointedTail)
    {
        Log = log;
        Index = index;
        Options = options;
        _logger = logger;
        FreeSpace = new FreeSpaceGuard(options.MailDirectory, options.MinFreeBytes, () => log.TailAddress);
        Journal = new StoreJournal(log, index, FreeSpace);
        _writers = new DefaultObjectPool<MessageWriter>(
            new MessageWriterPolicy(Journal, options.ChunkSize, log.MaxRecordSize, writer => _writers!.Return(writer)),
            Math.Max(1, options.MaxPooledWriters));
        Maintenance = new StoreMaintenance(log, index, Journal, options, logger, checkpointedTail);
        Queue = new QueueAccess(Journal, index);
        Browser = new MailboxBrowser(Journal, index);
    }

    /// <summary>Lock-free, read-only paging and reading of mailboxes (the web).</summary>
    public IMailboxBrowser Browser { get; }

    /// <summary>The outbound queue's view: the queue mailbox (locked for good), its messages' envelopes and delivery state.</summary>
    public IQueueStore Queue { get; }

    internal StoreMaintenance Maintenance { get; }

    /// <summary>The options the store was opened with (its directories and log geometry, for the backup).</summary>
    internal StorageOptions Options { get; }

    internal MailLog Log { get; }

    internal FreeSpaceGuard FreeSpace { get; }

    /// <summary>How writers, mailbox sessions and compaction change the store (append, hold, commit, apply, release).</summary>
    internal IStoreJournal Journal { get; }

    internal MailIndex Index { get; }

    /// <summary>
    /// Opens the store in <c>options.DataDirectory/mail</c>, creating it on first start, or recovering the last log
    /// commit and the index's newest checkpoint and replaying the log after it. Without a usable index checkpoint (first
    /// start, a data directory from a build before the FasterKV index, a damaged index) the index is built from the whole
    /// log and checkpointed at once.
    /// </summary>
    public static FasterMailStore Open(StorageOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var started = Stopwatch.GetTimestamp();
        var log = MailLog.Open(options, logger);
        MailIndex? index = null;
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

            index = OpenIndex(options, log, logger, out var covered);
            long checkpointedTail;
            if (covered >= 0)
            {
                var replay = LogReplayer.Replay(log, index, covered, fullReplay: false, logger);
                StorageLog.RecoveredFromCheckpoint(logger, covered, replay.Records);
                checkpointedTail = replay.DroppedBytes > 0 ? -1 : covered;
            }
            else
            {
                var replay = LogReplayer.Replay(log, index, log.BeginAddress, fullReplay: true, logger);
                if (replay.Records > 0 && !Directory.Exists(options.LegacyIndexDirectory))
                {
                    StorageLog.RecoveredByFullReplay(logger, replay.Records);
                }

                // The next start then recovers from here: the rebuild (or conversion) happens once.
                checkpointedTail = -1;
                if (index.HasRoomForCheckpoint(full: true))
                {
                    index.CheckpointAsync(log.CommittedUntilAddress, full: true).GetAwaiter().GetResult();
                    checkpointedTail = log.TailAddress;
                }
                else
                {
                    StorageLog.CheckpointSkippedForSpace(logger, options.IndexDirectory);
                }

                if (checkpointedTail >= 0 && Directory.Exists(options.LegacyIndexDirectory))
                {
                    Directory.Delete(options.LegacyIndexDirectory, recursive: true);
                    StorageLog.IndexConverted(logger, replay.Records, options.LegacyIndexDirectory);
                }
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

            return new FasterMailStore(log, index, options, logger, checkpointedTail);
        }
        catch
        {
            index?.Dispose();
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Opens the index; a checkpoint that does not fit the log (the log was replaced or restored) counts as none.</summary>
    private static MailIndex OpenIndex(StorageOptions options, MailLog log, ILogger logger, out long covered)
    {
        var directory = options.IndexDirectory;
        var index = MailIndex.Open(directory, options.IndexMemory, out covered, e => StorageLog.IndexUnrecoverable(logger, directory, e));
        if (covered < 0 || (covered >= log.BeginAddress && covered <= log.CommittedUntilAddress))
        {
            return index;
        }

        StorageLog.CheckpointOutsideLog(logger, covered, log.BeginAddress, log.CommittedUntilAddress);
        index.Dispose();
        Storage.Index.IndexStore.Delete(directory);
        return MailIndex.Open(directory, options.IndexMemory, out covered, e => StorageLog.IndexUnrecoverable(logger, directory, e));
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
        Index.Dispose();
        var tail = Log.TailAddress;
        await Log.DisposeAsync().ConfigureAwait(false);
        StorageLog.Closed(_logger, tail);
    }
}
