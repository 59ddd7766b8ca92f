using FastMail.Storage.Compaction;
using FastMail.Storage.Index;
using FastMail.Storage.Journal;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage;

/// <summary>
/// The store's background work, one job at a time: an index checkpoint when the log grew by
/// <see cref="StorageOptions.CheckpointIntervalBytes"/> or <see cref="StorageOptions.CheckpointInterval"/> passed, and
/// compaction when dead space passes its thresholds; a last checkpoint at close. Sessions never wait for it beyond a
/// brief index lock.
/// </summary>
internal sealed class StoreMaintenance : IAsyncDisposable
{
    /// <summary>
    /// Every this many checkpoints one also writes FASTER's hash table: the others write only the index log written since
    /// the last, and recovery rebuilds the table from the newest full checkpoint plus the log after it.
    /// </summary>
    private const int FullCheckpointEvery = 8;

    private readonly MailLog _log;
    private readonly MailIndex _index;
    private readonly StorageOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneJob = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _checkpointedTail;
    private int _checkpoints;
    private DateTime _checkpointedAt = DateTime.UtcNow;

    public StoreMaintenance(MailLog log, MailIndex index, IStoreJournal journal, StorageOptions options, ILogger logger, long checkpointedTail)
    {
        _log = log;
        _index = index;
        _options = options;
        _logger = logger;
        _checkpointedTail = checkpointedTail;
        Compactor = new Compactor(log, index, journal, logger);
        _loop = options.MaintenancePeriod > TimeSpan.Zero ? Task.Run(RunAsync) : Task.CompletedTask;
    }

    public Compactor Compactor { get; }

    /// <summary>Writes a checkpoint now (waiting for a running job first); <paramref name="full"/> includes the hash table.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken, bool full = false)
    {
        await _oneJob.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteCheckpointAsync(full).ConfigureAwait(false);
        }
        finally
        {
            _oneJob.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="job"/> as the one maintenance job (waiting for a running job first): meanwhile no compaction
    /// truncates the log or deletes segment files, and no checkpoint runs. The backup copies the log under it.
    /// </summary>
    public async Task<T> RunExclusiveAsync<T>(Func<Task<T>> job, CancellationToken cancellationToken)
    {
        await _oneJob.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await job().ConfigureAwait(false);
        }
        finally
        {
            _oneJob.Release();
        }
    }

    /// <summary>Runs a compaction now (waiting for a running job first); returns the messages moved.</summary>
    public async Task<int> CompactAsync(CancellationToken cancellationToken)
    {
        await _oneJob.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tail = _log.TailAddress;
            var moved = await Compactor.RunAsync(cancellationToken).ConfigureAwait(false);
            MarkCheckpointed(tail);
            return moved;
        }
        finally
        {
            _oneJob.Release();
        }
    }

    /// <summary>Compacts the index's own log now (waiting for a running job first); returns the bytes reclaimed.</summary>
    public async Task<long> CompactIndexAsync(CancellationToken cancellationToken)
    {
        await _oneJob.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var tail = _log.TailAddress;
            if (!_index.HasRoomForCheckpoint(full: true))
            {
                StorageLog.CheckpointSkippedForSpace(_logger, _options.IndexDirectory);
                return 0;
            }

            var reclaimed = await _index.CompactStoreAsync(_log.CommittedUntilAddress).ConfigureAwait(false);
            MarkCheckpointed(tail);
            StorageLog.IndexCompacted(_logger, reclaimed, _index.StoreBytes, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return reclaimed;
        }
        finally
        {
            _oneJob.Release();
        }
    }

    /// <summary>The same thresholds as the mail log's: superseded index records above both the minimum and the ratio.</summary>
    private bool IsIndexCompactionWorthwhile()
    {
        var size = _index.StoreBytes;
        var dead = size - _index.EstimatedLiveStoreBytes;
        return dead > _options.CompactionMinDeadBytes && dead >= size * _options.CompactionDeadRatio;
    }

    /// <summary>Stops the background task and, if the log changed since the last checkpoint, commits and writes a final full one.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _oneJob.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_log.TailAddress != Volatile.Read(ref _checkpointedTail))
            {
                await _log.CommitNowAsync().ConfigureAwait(false);
                await WriteCheckpointAsync(full: true).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FASTER.core.FasterException or InvalidOperationException)
        {
            // Closing must still close: without this checkpoint the next start replays more log, nothing is lost.
            StorageLog.MaintenanceFailed(_logger, e);
        }
        finally
        {
            _oneJob.Release();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.MaintenancePeriod, _stop.Token).ConfigureAwait(false);
                if (Compactor.IsWorthwhile(_options.CompactionMinDeadBytes, _options.CompactionDeadRatio))
                {
                    await CompactAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }

                if (IsIndexCompactionWorthwhile())
                {
                    await CompactIndexAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }

                var grown = _log.TailAddress - Volatile.Read(ref _checkpointedTail);
                if (grown >= _options.CheckpointIntervalBytes || (grown != 0 && DateTime.UtcNow - _checkpointedAt >= _options.CheckpointInterval))
                {
                    await CheckpointAsync(_stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                StorageLog.MaintenanceFailed(_logger, e);
            }
        }
    }

    private async Task WriteCheckpointAsync(bool full)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var tail = _log.TailAddress;
        full |= ++_checkpoints % FullCheckpointEvery == 0;
        if (!_index.HasRoomForCheckpoint(full))
        {
            StorageLog.CheckpointSkippedForSpace(_logger, _options.IndexDirectory);
            return;
        }

        var covered = await _index.CheckpointAsync(_log.CommittedUntilAddress, full, _options.CheckpointTestPause > TimeSpan.Zero ? TestPauseAsync : null).ConfigureAwait(false);
        MarkCheckpointed(tail);
        StorageLog.CheckpointWritten(_logger, full ? "full" : "log", covered, _index.StoreBytes, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private Task TestPauseAsync(string phase)
    {
        StorageLog.CheckpointTestPause(_logger, phase, (long)_options.CheckpointTestPause.TotalMilliseconds);
        return Task.Delay(_options.CheckpointTestPause);
    }

    private void MarkCheckpointed(long tail)
    {
        Volatile.Write(ref _checkpointedTail, tail);
        _checkpointedAt = DateTime.UtcNow;
    }
}
