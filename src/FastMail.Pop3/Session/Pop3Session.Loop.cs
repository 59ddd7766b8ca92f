using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Parsing;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>The connection loop: greeting, drain every complete command, flush once, repeat; timeouts and shutdown.</summary>
internal sealed partial class Pop3Session
{
    public async Task RunAsync(IDuplexPipe connection, IPEndPoint? remote, CancellationToken shutdown)
    {
        _input = connection.Input;
        _output = connection.Output;
        _remote = remote;
        _shutdown = shutdown;
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
        while (true)
        {
            ArmTimer();
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
                var status = _lineReader.TryRead(ref buffer, _line, out var length);
                if (status == LineStatus.NeedMoreData)
                {
                    break;
                }

                if (status == LineStatus.TooLong)
                {
                    WriteError(Pop3Replies.LineTooLong);
                    continue;
                }

                await ExecuteAsync(length);
                if (_connectionLost)
                {
                    return;
                }
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
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

    /// <summary>Flushes the replies; false when the client is gone or stopped reading for the whole idle timeout.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FlushAsync()
    {
        ArmTimer();
        FlushResult result;
        _flushing = true;
        try
        {
            result = await _output.FlushAsync();
        }
        finally
        {
            _flushing = false;
        }

        if (result.IsCanceled || result.IsCompleted)
        {
            _connectionLost = true;
            _closing = true;
            return false;
        }

        return true;
    }

    private void ArmTimer()
    {
        var timeout = _options.IdleTimeout;
        _timer!.Change(timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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
