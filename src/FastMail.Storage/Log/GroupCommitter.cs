using FASTER.core;
using FastMail.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Log;

/// <summary>
/// The single commit loop (group commit): writers append, then wait here; the loop commits the whole log tail once for
/// everyone who is waiting, so many sessions share one device sync. A failed commit fails exactly the waiters of that
/// round; the loop itself keeps running for the writers after them.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly FasterLog _log;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly Task _loop;
    private TaskCompletionSource _round = NewRound();
    private bool _wakeRequested;
    private volatile bool _stopping;

    private readonly Func<bool> _diskFull;

    public GroupCommitter(FasterLog log, ILogger logger, Func<bool> diskFull)
    {
        _log = log;
        _diskFull = diskFull;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Completes when the entry appended at <paramref name="address"/> is committed; throws if the commit failed.
    /// The entry must have been appended (Enqueue returned) before this call.
    /// </summary>
    public Task WaitForCommitAsync(long address)
    {
        // Commits end on entry boundaries, so a committed address past the entry's start covers the whole entry.
        if (Volatile.Read(ref _log.CommittedUntilAddress) > address)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (!_wakeRequested)
            {
                _wakeRequested = true;
                _wake.Release();
            }

            return _round.Task;
        }
    }

    /// <summary>Runs one commit round even if every appended entry is committed (persists a truncation of the head).</summary>
    public Task CommitNowAsync()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (!_wakeRequested)
            {
                _wakeRequested = true;
                _wake.Release();
            }

            return _round.Task;
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            await _wake.WaitAsync().ConfigureAwait(false);
            TaskCompletionSource round;
            lock (_gate)
            {
                // Everyone in this round appended before joining it, hence before the commit below reads the tail.
                round = _round;
                _round = NewRound();
                _wakeRequested = false;
            }

            try
            {
                await _log.CommitAsync().ConfigureAwait(false);
                ThreadPool.UnsafeQueueUserWorkItem(static round => round.TrySetResult(), round, preferLocal: false);
            }
            catch (Exception e)
            {
                StorageLog.CommitFailed(_logger, e);
                // Callers (SMTP, POP3) know nothing of FASTER: they see one of the store's typed failures. FASTER loses the
                // errno of a failed write, so a full disk is told apart by measuring the free space now.
                Exception failure = _diskFull() ? new StorageFullException("No space left on device: the mail log could not commit to storage.", e)
                    : new StorageUnavailableException("The mail log could not commit to storage.", e);
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.round.TrySetException(state.failure), (round, failure), preferLocal: false);
            }

            if (_stopping)
            {
                lock (_gate)
                {
                    if (!_wakeRequested)
                    {
                        return;
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            // One last round commits whatever is still in memory, waiters or not.
            _stopping = true;
            _wakeRequested = true;
            _wake.Release();
        }

        await _loop.ConfigureAwait(false);
        _wake.Dispose();
    }

    // Continuations run synchronously where the round completes: on one pool work item per round (queued above), which
    // resumes every waiter of the round in turn, instead of one work item and one thread wake-up per waiter. The waiters'
    // continuations (apply the index change, write the reply, send it) are short and contend on the index lock anyway,
    // and the loop itself is not held up: it starts the next round while that item runs.
    private static TaskCompletionSource NewRound() => new();
}
