using Microsoft.Extensions.Logging;

namespace FastMail.Storage;

/// <summary>Source-generated log messages of the mail store (event ids 4000-4099).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Mail store opened at {Directory}: {Messages} messages in {Mailboxes} mailboxes, log {BeginAddress}..{TailAddress}, replayed in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string directory, long messages, long mailboxes, long beginAddress, long tailAddress, long elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Mail log commit failed; the writers waiting for it are told so")]
    public static partial void CommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Mail store closed at log address {TailAddress}")]
    public static partial void Closed(ILogger logger, long tailAddress);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Delete record at {Address} names message {MessageId} that mailbox {Mailbox} does not hold")]
    public static partial void DeleteOfUnknownMessage(ILogger logger, long address, long messageId, string mailbox);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Index checkpoint ({Kind}) written: covers the mail log below {CoveredAddress}; index log {IndexBytes} bytes; {ElapsedMs} ms")]
    public static partial void CheckpointWritten(ILogger logger, string kind, long coveredAddress, long indexBytes, long elapsedMs);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Index in {Directory} cannot be recovered; it is rebuilt from the mail log")]
    public static partial void IndexUnrecoverable(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Index checkpoint covers address {CoveredAddress}, outside the log {BeginAddress}..{CommittedAddress}; the index is rebuilt from the mail log")]
    public static partial void CheckpointOutsideLog(ILogger logger, long coveredAddress, long beginAddress, long committedAddress);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Warning, Message = "Test pause: index checkpoint {Phase}, waiting {PauseMs} ms (FASTMAIL_TEST_CHECKPOINT_PAUSE_MS)")]
    public static partial void CheckpointTestPause(ILogger logger, string phase, long pauseMs);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Index log compacted: {Bytes} bytes reclaimed, {IndexBytes} bytes left, in {ElapsedMs} ms")]
    public static partial void IndexCompacted(ILogger logger, long bytes, long indexBytes, long elapsedMs);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Index checkpoint skipped: too little free space under {Directory} (nothing is lost; a restart replays more of the mail log)")]
    public static partial void CheckpointSkippedForSpace(ILogger logger, string directory);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Information, Message = "Mail index converted to FasterKV from the log ({Records} records); the old index checkpoints in {LegacyDirectory} are deleted")]
    public static partial void IndexConverted(ILogger logger, long records, string legacyDirectory);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Recovery: index from checkpoint at {CoveredAddress}, replayed {Records} log records after it")]
    public static partial void RecoveredFromCheckpoint(ILogger logger, long coveredAddress, long records);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Recovery: no usable index checkpoint; replayed the whole log, {Records} records")]
    public static partial void RecoveredByFullReplay(ILogger logger, long records);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Compaction moved {Messages} messages ({Bytes} bytes) from below {Cutoff}; log now begins at {BeginAddress}, in {ElapsedMs} ms")]
    public static partial void Compacted(ILogger logger, int messages, long bytes, long cutoff, long beginAddress, long elapsedMs);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "Background storage maintenance (checkpoint or compaction) failed; it will be retried")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Recovery: damaged log record at {Address} (checksum or format); dropped the log from there to {ResumeAddress}")]
    public static partial void DamagedRecordDropped(ILogger logger, long address, long resumeAddress);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "Recovery: the log file ends {Bytes} bytes before the committed tail {TailAddress}; mail in the missing part is lost")]
    public static partial void TailMissing(ILogger logger, long bytes, long tailAddress);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Recovery: dropped {Bytes} bytes of the log tail after the last intact commit at {TailAddress} (torn or corrupt entries)")]
    public static partial void TailDropped(ILogger logger, long bytes, long tailAddress);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Disk full: cannot reserve space for the mail log segment {Path} (errno {Errno}); new mail is refused with 452 4.3.1 until space returns")]
    public static partial void SegmentReservationFailed(ILogger logger, string path, int errno);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "Space returned: mail log segment {Path} reserved; new mail is accepted again")]
    public static partial void SegmentReserved(ILogger logger, string path);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Information, Message = "The file system under {Path} cannot reserve space ahead (no fallocate); only the free-space reserve guards against a full disk")]
    public static partial void SegmentReservationUnsupported(ILogger logger, string path);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Information, Message = "New mail store created at {Directory}")]
    public static partial void NewStoreCreated(ILogger logger, string directory);
}
