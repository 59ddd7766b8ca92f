using FastMail.Transport.Diagnostics;

namespace FastMail.Transport;

public sealed partial class SocketListener
{
    // An aborted connection's handler sees its input end and normally returns at once; this only
    // bounds the wait for one that ignores that too, so StopAsync always returns.
    private static readonly TimeSpan s_abortedHandlerWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stops accepting, fires the shutdown token passed to every handler, waits up to
    /// <paramref name="gracePeriod"/> for the handlers to return, then aborts the connections still
    /// open. Idempotent: later calls return the first call's task.
    /// </summary>
    public Task StopAsync(TimeSpan gracePeriod)
    {
        if (gracePeriod < TimeSpan.Zero && gracePeriod != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), gracePeriod, "Must be zero or more, or infinite.");
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _stopping, stop.Task, null);
        if (existing is not null)
        {
            return existing;
        }

        _ = RunStopAsync(stop, gracePeriod);
        return stop.Task;
    }

    /// <summary>Stops without a grace period: open connections are aborted at once.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.Zero);

    private async Task RunStopAsync(TaskCompletionSource stop, TimeSpan gracePeriod)
    {
        try
        {
            await StopCoreAsync(gracePeriod);
        }
        finally
        {
            stop.TrySetResult();
        }
    }

    private async Task StopCoreAsync(TimeSpan gracePeriod)
    {
        _stopAccepting.Cancel();
        await _acceptLoop;
        _listenSocket.Dispose();

        // No connection can be added now; from here the last one to close signals _drained.
        Interlocked.Exchange(ref _acceptStopped, 1);
        if (_limiter.Total == 0)
        {
            _drained.TrySetResult();
        }

        _logger.ListenerStopping(_options.Name, _limiter.Total);
        try
        {
            _shutdown.Cancel();
        }
        catch (AggregateException exception)
        {
            // A handler's shutdown callback threw; the others still ran.
            _logger.LoopFailed(_options.Name, 0, "shutdown callback", exception);
        }

        if (!await WaitDrainedAsync(gracePeriod))
        {
            var stragglers = _live.Values.ToArray();
            _logger.AbortingConnections(_options.Name, stragglers.Length);
            foreach (var connection in stragglers)
            {
                connection.Abort();
            }

            if (!await WaitDrainedAsync(s_abortedHandlerWait))
            {
                _logger.HandlersStillRunning(_options.Name, _limiter.Total);
            }
        }

        _logger.ListenerStopped(_options.Name);
    }

    private async Task<bool> WaitDrainedAsync(TimeSpan timeout)
    {
        try
        {
            await _drained.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
