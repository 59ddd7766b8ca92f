using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastMail.Core.Services;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>The connection loop: greeting, drain every complete command, flush once, repeat; timeouts and shutdown.</summary>
internal sealed partial class Pop3Session
{
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public async Task RunAsync(IMailConnection connection, CancellationToken shutdown)
    {
        var remote = connection.RemoteEndPoint;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _remote = remote;
        _shutdown = shutdown;
        _plaintextAuthAllowed = connection.IsSecure || _options.AllowPlaintextAuthWithoutTls || LoopbackAddress.Is(remote);
        _timer = _time.CreateTimer(static state => ((Pop3Session)state!).OnIdleTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var registration = shutdown.UnsafeRegister(static state => ((Pop3Session)state!).OnShutdown(), this);
        Pop3Log.SessionStarted(_logger, remote);
        try
        {
            WriteGreeting();
            if (await FlushAsync())
            {
                await ReadCommandsAsync();
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Shutdown interrupted a store or directory call; the mailbox is released below and nothing is removed.
        }
        catch (Exception exception)
        {
            // Contract 4: nothing a client or a failing store does may escape and take the process down.
            Pop3Log.SessionFailed(_logger, exception, remote);
        }
        finally
        {
            await registration.DisposeAsync();
            await _timer.DisposeAsync();
            await ReleaseMailboxAsync();
            await _input.CompleteAsync();
            await _output.CompleteAsync();
            Pop3Log.SessionEnded(_logger, remote);
        }
    }

    private async Task ReadCommandsAsync()
    {
        // The idle timeout also bounds each line: a line must complete within it however slowly it trickles in, so a
        // slowloris sending a byte a minute cannot hold the connection (and a per-IP slot) for ever.
        var lineStarted = 0L;
        var lineInProgress = false;
        while (true)
        {
            ArmTimer(lineInProgress ? _time.GetElapsedTime(lineStarted) : TimeSpan.Zero);
            var result = await _input.ReadAsync();
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _input.AdvanceTo(buffer.Start);
                await CloseAfterInterruptionAsync();
                return;
            }

            while (!_closing && !_shuttingDown)
            {
                var status = _lineReader.TryRead(ref buffer, _line, LineLimit(buffer), out var length);
                if (status == LineStatus.NeedMoreData)
                {
                    break;
                }

                if (status == LineStatus.TooLong)
                {
                    // A response line too long ends a SASL exchange as well (RFC 5034 4: -ERR ends it).
                    ResetSasl();
                    WriteError(Pop3Replies.LineTooLong);
                    continue;
                }

                if (_saslActive)
                {
                    await SaslResponseAsync(length);
                }
                else
                {
                    await ExecuteAsync(length);
                }

                if (_connectionLost)
                {
                    return;
                }

                if (_startTls)
                {
                    break;
                }
            }

            if (_startTls)
            {
                // RFC 2595 4 / RFC 3207 4.2: whatever the client pipelined after STLS is dropped unread, never executed.
                _input.AdvanceTo(buffer.End);
                if (!await StartTlsAsync())
                {
                    return;
                }

                continue;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            var partialLine = !buffer.IsEmpty || _lineReader.IsDraining;
            if (partialLine && !lineInProgress)
            {
                lineStarted = _time.GetTimestamp();
            }

            lineInProgress = partialLine;
            if (_shuttingDown && !_closing)
            {
                // Shutdown arrived while commands were being processed: stop between two commands.
                _output.Write(Pop3Replies.ShuttingDown);
                _closing = true;
            }

            // Drain, then flush once: every reply to a pipelined batch leaves in one write (RFC 2449 6.6).
            if (!await FlushAsync() || _closing || result.IsCompleted)
            {
                return;
            }
        }
    }

    private async ValueTask CloseAfterInterruptionAsync()
    {
        if (_shuttingDown)
        {
            _output.Write(Pop3Replies.ShuttingDown);
        }
        else if (_timedOut)
        {
            // RFC 1939 3: an autologout timer expiry closes without entering UPDATE, so nothing is removed.
            Pop3Log.IdleTimeout(_logger, _remote);
            _output.Write(Pop3Replies.Timeout);
        }

        // Otherwise the transport cancelled the read: it is closing the connection, so just end.

        _closing = true;
        await FlushAsync();
    }

    /// <summary>
    /// Flushes the replies; false when the client is gone or stopped reading for the whole idle timeout.
    /// A flush that completes at once takes no async state machine, so the steady state allocates nothing.
    /// </summary>
    private ValueTask<bool> FlushAsync()
    {
        ArmTimer();
        _flushing = true;
        var flush = _output.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            _flushing = false;
            return new ValueTask<bool>(OnFlushed(flush.Result));
        }

        return AwaitFlushAsync(flush);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            return OnFlushed(await flush);
        }
        finally
        {
            _flushing = false;
        }
    }

    private bool OnFlushed(FlushResult result)
    {
        if (result.IsCanceled || result.IsCompleted)
        {
            _connectionLost = true;
            _closing = true;
            return false;
        }

        return true;
    }

    /// <summary>Arms the idle timer for what is left of the timeout after <paramref name="alreadyUsed"/>.</summary>
    private void ArmTimer(TimeSpan alreadyUsed = default)
    {
        // Zero, negative or beyond what a timer can hold (about 49 days) means no idle limit.
        var timeout = _options.IdleTimeout;
        if (timeout <= TimeSpan.Zero || timeout >= MaxTimerDue)
        {
            _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var left = timeout - alreadyUsed;
        _timer!.Change(left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
    }

    private void OnIdleTimeout()
    {
        _timedOut = true;
        if (_flushing)
        {
            _output.CancelPendingFlush();
        }
        else
        {
            _input.CancelPendingRead();
        }
    }

    private void OnShutdown()
    {
        _shuttingDown = true;
        _input.CancelPendingRead();
    }
}
