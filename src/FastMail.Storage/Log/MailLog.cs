using System.Buffers;
using FASTER.core;
using FastMail.Core.Storage;
using Microsoft.Extensions.Logging;
using FastMail.Core.IO;

namespace FastMail.Storage.Log;

/// <summary>
/// The FasterLog that is both write-ahead log and body store, with its device and the group-commit loop.
/// Per-entry checksums are always on: a torn entry at the tail after a crash is detected, never read as data.
/// </summary>
internal sealed class MailLog : IAsyncDisposable
{
    private readonly IDevice _device;
    private readonly SlotCommitManager _commits;
    private readonly FasterLog _log;
    private readonly GroupCommitter _committer;
    private readonly UseGate _gate = new();
    private readonly Lock _appendLock = new();
    private LogSpaceReservation _reservation = null!;
    private string _path = "";
    private int _segmentSizeBits;

    private MailLog(IDevice device, SlotCommitManager commits, FasterLog log, ILogger logger, Func<bool> diskFull)
    {
        _device = device;
        _commits = commits;
        _log = log;
        _committer = new GroupCommitter(log, logger, diskFull);
    }

    public long BeginAddress => _log.BeginAddress;

    public int PageSizeBits { get; private init; }

    /// <summary>True when this open created the log: no earlier run committed anything in its directory.</summary>
    public bool IsNew { get; private init; }

    private int PageSize { get; init; }

    public long TailAddress => _log.TailAddress;

    public long CommittedUntilAddress => Volatile.Read(ref _log.CommittedUntilAddress);

    /// <summary>Largest record payload one entry can hold: an entry must fit in a page.</summary>
    public int MaxRecordSize { get; private init; }

    public static MailLog Open(StorageOptions options, ILogger logger)
    {
        OwnerOnly.CreateDirectory(options.MailDirectory);
        var isNew = SlotCommitManager.HasNoCommits(options.MailDirectory);

        // Make the mail directory's own entry durable before anything in it is acknowledged.
        DirectorySync.Sync(Path.GetFullPath(options.DataDirectory));
        var path = Path.Combine(options.MailDirectory, "mail.log");
        var device = new SegmentSyncingDevice(
            options.DeviceFactory?.Invoke(path) ?? Devices.CreateLogDevice(path, preallocateFile: false, deleteOnClose: false),
            options.MailDirectory);
        SlotCommitManager? commits = null;
        try
        {
            commits = new SlotCommitManager(options.MailDirectory, options.FastCommitMode);
            var settings = new FasterLogSettings
            {
                LogDevice = device,
                LogCommitManager = commits,
                PageSizeBits = options.PageSizeBits,
                MemorySizeBits = options.MemorySizeBits,
                SegmentSizeBits = options.SegmentSizeBits,
                LogChecksum = LogChecksumType.PerEntry,
                FastCommitMode = options.FastCommitMode,
                // The constructor recovers the latest commit; on an empty directory it starts a fresh log.
                TryRecoverLatest = true,
                AutoCommit = false,
            };
            var log = new FasterLog(settings, new FasterLogFilter(logger));
            var reservation = LogSpaceReservation.Open(path, options.SegmentSizeBits, options.PageSizeBits, log.TailAddress, logger);
            // A failed commit is put down to a full disk when less than a page (or the reserve) is free at that moment.
            var mailDirectory = options.MailDirectory;
            var full = Math.Max(options.MinFreeBytes, options.PageSize);
            return new MailLog(device, commits, log, logger, () => FreeSpaceGuard.IsBelow(mailDirectory, full))
            {
                _reservation = reservation,
                IsNew = isNew,
                PageSize = options.PageSize,
                MaxRecordSize = options.PageSize - RecordFormat.FasterEntryHeaderSize - RecordFormat.FasterFirstPageReserve,
                _path = path,
                PageSizeBits = options.PageSizeBits,
                _segmentSizeBits = options.SegmentSizeBits,
            };
        }
        catch
        {
            commits?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>Appends a record in memory (not yet durable) and returns its address. Throws <see cref="StorageFullException"/> when no space could be reserved, <see cref="StorageUnavailableException"/> if the log failed.</summary>
    public long Append<T>(T record)
        where T : ILogEnqueueEntry
    {
        if (record.SerializedLength > MaxRecordSize)
        {
            throw new InvalidOperationException($"A {record.SerializedLength}-byte log record does not fit in one {MaxRecordSize}-byte page.");
        }

        _gate.Enter();
        try
        {
            // One appender at a time between the check and the enqueue, so that together they cannot pass the reserved
            // space. FASTER puts an entry that does not fit in the tail's page at the start of the next page, and writes
            // whole pages; reservations end on page boundaries, so the entry's end being reserved covers its page.
            lock (_appendLock)
            {
                var tail = _log.TailAddress;
                _reservation.KeepAhead(tail);
                var size = RecordFormat.FasterEntryHeaderSize + ((record.SerializedLength + 3) & ~3);
                var offset = tail & (PageSize - 1);
                var end = offset + size <= PageSize ? tail + size : tail - offset + PageSize + size;
                if (end > _reservation.ReservedUntil && end > _reservation.ReserveNow(tail))
                {
                    throw new StorageFullException("No space left on device: no disk space could be reserved for the mail log's next segment.");
                }

                return _log.Enqueue(record);
            }
        }
        catch (FasterException e)
        {
            // After a device error FASTER refuses appends until restarted.
            throw new StorageUnavailableException("The mail log is unavailable after a storage error.", e);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Completes when the record appended at <paramref name="address"/> is durable; faults with <see cref="StorageFullException"/> or <see cref="StorageUnavailableException"/> if the commit failed.</summary>
    public Task WaitForCommitAsync(long address) => _committer.WaitForCommitAsync(address);

    /// <summary>Reads one committed record into a pooled buffer; the caller disposes the owner.</summary>
    public async ValueTask<(IMemoryOwner<byte> Owner, int Length)> ReadAsync(long address, int estimatedLength, CancellationToken cancellationToken)
    {
        IMemoryOwner<byte>? owner;
        int length;
        _gate.Enter();
        try
        {
            (owner, length) = await _log.ReadAsync(address, MemoryPool<byte>.Shared, estimatedLength, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Exit();
        }

        if (owner is null)
        {
            throw new InvalidDataException($"No committed log record at {address} (log spans {_log.BeginAddress}..{CommittedUntilAddress}).");
        }

        return (owner, length);
    }

    /// <summary>Iterates every committed record from <paramref name="from"/> (a record start, at least the begin address).</summary>
    public FasterLogScanIterator ScanCommitted(long from) => _log.Scan(from, CommittedUntilAddress, name: null, recover: false);

    /// <summary>Runs a commit round now, whether or not anything new was appended.</summary>
    public Task CommitNowAsync() => _committer.CommitNowAsync();

    /// <summary>
    /// Drops the log below <paramref name="address"/> (a record start): FASTER deletes whole segment files below it once
    /// the next commit persists the new begin address, which this call runs.
    /// </summary>
    public async Task TruncateUntilAsync(long address)
    {
        _gate.Enter();
        try
        {
            _log.TruncateUntil(address);
        }
        finally
        {
            _gate.Exit();
        }

        await CommitNowAsync().ConfigureAwait(false);

        // The commit schedules the segment deletes as an epoch action that runs when some thread next leaves the epoch,
        // and the device deletes in the background: nudge the epoch until the files are gone (bounded), so that the
        // space is back when compaction reports done.
        var segment = address >> _segmentSizeBits;
        for (var attempt = 0; attempt < 200 && HasSegmentBelow(segment); attempt++)
        {
            _gate.Enter();
            try
            {
                // Any epoch-protected call will do; a read past the committed tail returns at once.
                _ = _log.ReadRecordLengthAsync(long.MaxValue).AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                _gate.Exit();
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    private bool HasSegmentBelow(long segment)
    {
        foreach (var path in Directory.EnumerateFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + ".*"))
        {
            if (long.TryParse(Path.GetExtension(path).AsSpan(1), out var number) && number < segment)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!await _gate.CloseAsync().ConfigureAwait(false))
        {
            return;
        }

        await _committer.DisposeAsync().ConfigureAwait(false);
        _log.Dispose();
        _commits.Dispose();
        _device.Dispose();
    }
}
