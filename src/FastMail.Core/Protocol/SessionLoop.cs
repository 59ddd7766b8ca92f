using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace FastMail.Core.Protocol;

/// <summary>
/// The connection loop SMTP and POP3 share (Garnet's ProcessMessages, Stalwart's receive loop): greet; read with the
/// protocol's deadline (a command line must complete within it however slowly it trickles in, so a slowloris is cut
/// off); let the protocol answer every complete command; flush once when the buffer is drained (PIPELINING for free,
/// RFC 2920 and RFC 2449 6.6); await the asynchronous step a command asks for; STARTTLS; timeout and shutdown replies.
/// One per pooled session object; the timer and the shutdown registration live for one connection.
/// </summary>
internal sealed class SessionLoop
{
    private static readonly TimerCallback s_onTimer = static state => ((SessionLoop)state!).OnTimer();
    private static readonly Action<object?> s_onShutdown = static state => ((SessionLoop)state!).OnShutdown();

    private readonly ISessionProtocol _protocol;
    private ITimer? _timer;
    private CancellationToken _shutdown;
    private volatile bool _timedOut;
    private volatile bool _flushing;

    public SessionLoop(ISessionProtocol protocol) => _protocol = protocol;

    /// <summary>
    /// Runs one connection from greeting to close. Returns when the session ends; exceptions from the protocol (bugs,
    /// I/O) propagate to the caller, which logs them and releases what the connection held.
    /// </summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        _shutdown = shutdown;
        _timedOut = false;
        _flushing = false;
        var timer = _protocol.Time.CreateTimer(s_onTimer, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer = timer;
        var registration = shutdown.UnsafeRegister(s_onShutdown, this);
        try
        {
            if (!await _protocol.GreetAsync() || !await FlushAsync())
            {
                return;
            }

            var lineInProgress = false;
            var lineStarted = 0L;
            while (true)
            {
                if (_shutdown.IsCancellationRequested && _protocol.StopsOnShutdown)
                {
                    _protocol.WriteShuttingDown();
                    await FlushAsync();
                    return;
                }

                // Re-read each turn: STARTTLS replaces the pipes.
                var input = _protocol.Input;
                var wait = _protocol.ReadTimeout;
                if (lineInProgress && wait != Timeout.InfiniteTimeSpan)
                {
                    wait -= _protocol.Time.GetElapsedTime(lineStarted);
                    wait = wait > TimeSpan.Zero ? wait : TimeSpan.FromTicks(1);
                }

                _timedOut = false;
                Arm(wait);
                // Not the shutdown token: shutdown cancels the pending read instead, so the session can still answer 421/-ERR.
                var result = await input.ReadAsync(CancellationToken.None);
                Arm(Timeout.InfiniteTimeSpan);

                var buffer = result.Buffer;
                if (result.IsCanceled)
                {
                    input.AdvanceTo(buffer.Start);
                    if (_timedOut)
                    {
                        _protocol.WriteTimedOut();
                        await FlushAsync();
                        return;
                    }

                    // Shutdown (answered at the top of the loop) or a cancellation that raced a completed read.
                    continue;
                }

                var step = _protocol.Process(ref buffer);
                while (true)
                {
                    switch (step)
                    {
                        case SessionStep.Continue:
                            // Between two commands: a shutdown that came in during the last one stops the session here.
                            if (_shutdown.IsCancellationRequested && _protocol.StopsOnShutdown)
                            {
                                input.AdvanceTo(buffer.Start);
                                _protocol.WriteShuttingDown();
                                await FlushAsync();
                                return;
                            }

                            step = _protocol.Process(ref buffer);
                            continue;

                        case SessionStep.Await:
                            step = await _protocol.RunPendingAsync();
                            continue;

                        case SessionStep.FlushThenAwait:
                            if (!await FlushAsync())
                            {
                                input.AdvanceTo(buffer.Start);
                                return;
                            }

                            step = await _protocol.RunPendingAsync();
                            continue;

                        case SessionStep.NeedMoreData:
                        {
                            var partialLine = _protocol.HasPartialLine(buffer);
                            input.AdvanceTo(buffer.Start, buffer.End);
                            if (partialLine && !lineInProgress)
                            {
                                lineStarted = _protocol.Time.GetTimestamp();
                            }

                            lineInProgress = partialLine;
                            if (result.IsCompleted || _protocol.ClosesForSlowInput())
                            {
                                // The client hung up (what it sent last still gets its answers) or is too slow.
                                await FlushAsync();
                                return;
                            }

                            if (!await FlushAsync())
                            {
                                return;
                            }

                            goto NextRead;
                        }

                        case SessionStep.StartTls:
                            // RFC 3207 4.2, RFC 2595 4: what the client pipelined behind STARTTLS/STLS is discarded, never executed.
                            input.AdvanceTo(buffer.End);
                            if (!await FlushAsync() || !await _protocol.StartTlsAsync())
                            {
                                return;
                            }

                            lineInProgress = false;
                            goto NextRead;

                        case SessionStep.Close:
                            input.AdvanceTo(buffer.Start);
                            await FlushAsync();
                            return;

                        case SessionStep.ConnectionLost:
                            input.AdvanceTo(buffer.Start);
                            return;

                        case SessionStep.Fault:
                        default:
                            // A bug, never a client's doing: say so and end, rather than guess (a commit, say).
                            input.AdvanceTo(buffer.Start);
                            _protocol.WriteInternalError(step);
                            await FlushAsync();
                            return;
                    }
                }

            NextRead:;
            }
        }
        finally
        {
            await registration.DisposeAsync();
            await timer.DisposeAsync();
            _timer = null;
        }
    }

    /// <summary>
    /// Sends the buffered replies; false when the client is gone or did not read them within the flush timeout. A flush
    /// that completes at once costs no state machine, so the steady state allocates nothing.
    /// </summary>
    public ValueTask<bool> FlushAsync()
    {
        _timedOut = false;
        Arm(_protocol.FlushTimeout);
        _flushing = true;
        var flush = _protocol.Output.FlushAsync();
        return flush.IsCompletedSuccessfully ? new ValueTask<bool>(EndFlush(flush.Result)) : AwaitFlushAsync(flush);
    }

    /// <summary>Starts the deadline of work other than a read or a flush (a TLS handshake); a timeout cancels the pending read.</summary>
    public void StartDeadline(TimeSpan timeout) => Arm(timeout);

    /// <summary>Stops the deadline <see cref="StartDeadline"/> started.</summary>
    public void StopDeadline() => Arm(Timeout.InfiniteTimeSpan);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = await flush;
        }
        catch
        {
            _flushing = false;
            Arm(Timeout.InfiniteTimeSpan);
            throw;
        }

        return EndFlush(result);
    }

    private bool EndFlush(FlushResult result)
    {
        _flushing = false;
        Arm(Timeout.InfiniteTimeSpan);
        if (result.IsCanceled || result.IsCompleted)
        {
            _protocol.OnFlushFailed(timedOut: result.IsCanceled);
            return false;
        }

        return true;
    }

    private void Arm(TimeSpan due) => _timer?.Change(due, Timeout.InfiniteTimeSpan);

    private void OnTimer()
    {
        // Cancel only what is waiting: a stray cancellation would end the next read or flush early.
        _timedOut = true;
        if (_flushing)
        {
            _protocol.Output.CancelPendingFlush();
        }
        else
        {
            _protocol.Input.CancelPendingRead();
        }
    }

    private void OnShutdown()
    {
        if (_protocol.StopsOnShutdown)
        {
            _protocol.Input.CancelPendingRead();
        }
    }
}
