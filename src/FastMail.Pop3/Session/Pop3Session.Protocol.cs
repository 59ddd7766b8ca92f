using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastMail.Core.Diagnostics;
using FastMail.Core.Protocol;
using FastMail.Core.Services;
using FastMail.Pop3.Logging;
using FastMail.Pop3.Replies;

namespace FastMail.Pop3.Session;

/// <summary>
/// POP3's side of the shared <see cref="SessionLoop"/>: the idle timeout (RFC 1939 3's autologout timer), one
/// awaited step per command line, and the receive mode mapped to the loop's next step.
/// </summary>
internal sealed partial class Pop3Session : ISessionProtocol
{
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    // Length of the command line (or SASL response) in _line that the next RunPendingAsync executes.
    private int _pendingLength;

    public async Task RunAsync(IMailConnection connection, CancellationToken shutdown)
    {
        var remote = connection.RemoteEndPoint;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _remote = remote;
        _shutdown = shutdown;
        _plaintextAuthAllowed = connection.IsSecure || _options.AllowPlaintextAuthWithoutTls || LoopbackAddress.Is(remote);
        StartJournal(connection);
        Pop3Log.SessionStarted(_logger, remote);
        try
        {
            await _loop.RunAsync(shutdown);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Shutdown interrupted a store or directory call; the mailbox is released below and nothing is removed.
            _end = SessionEnd.Shutdown;
        }
        catch (Exception exception)
        {
            // Contract 4: nothing a client or a failing store does may escape and take the process down.
            _end = SessionEnd.Fault;
            Pop3Log.SessionFailed(_logger, exception, remote);
        }
        finally
        {
            await ReleaseMailboxAsync();
            await _input.CompleteAsync();
            await _output.CompleteAsync();
            LogSessionEnded();
            Pop3Log.SessionEnded(_logger, remote);
        }
    }

    PipeReader ISessionProtocol.Input => _input;

    PipeWriter ISessionProtocol.Output => _output;

    TimeProvider ISessionProtocol.Time => _time;

    // The idle timeout also bounds each line: a line must complete within it however slowly it trickles in, so a
    // slowloris sending a byte a minute cannot hold the connection (and a per-IP slot) for ever.
    TimeSpan ISessionProtocol.ReadTimeout => IdleTimeout;

    TimeSpan ISessionProtocol.FlushTimeout => IdleTimeout;

    bool ISessionProtocol.StopsOnShutdown => true;

    // Zero, negative or beyond what a timer can hold (about 49 days) means no idle limit.
    private TimeSpan IdleTimeout =>
        _options.IdleTimeout > TimeSpan.Zero && _options.IdleTimeout < MaxTimerDue ? _options.IdleTimeout : Timeout.InfiniteTimeSpan;

    ValueTask<bool> ISessionProtocol.GreetAsync()
    {
        if (Transcripts.Pop3Watched)
        {
            AttachTranscript();
        }

        WriteGreeting();
        return new ValueTask<bool>(true);
    }

    SessionStep ISessionProtocol.Process(ref ReadOnlySequence<byte> buffer)
    {
        // Live transcripts: one volatile read while nobody watches (DESIGN hot path rules).
        if (Transcripts.Pop3Watched)
        {
            AttachTranscript();
        }

        while (true)
        {
            var next = NextStep();
            if (next != SessionStep.Continue)
            {
                return next;
            }

            switch (_lineReader.TryRead(ref buffer, _line, LineLimit(buffer), out var length))
            {
                case LineStatus.NeedMoreData:
                    return SessionStep.NeedMoreData;
                case LineStatus.TooLong:
                    // A response line too long ends a SASL exchange as well (RFC 5034 4: -ERR ends it).
                    ResetSasl();
                    WriteError(Pop3Replies.LineTooLong);
                    continue;
                case LineStatus.Complete:
                    // Every command may await the store or the directory: the loop runs it as the pending step.
                    _pendingLength = length;
                    return SessionStep.Await;
                default:
                    return SessionStep.Fault;
            }
        }
    }

    ValueTask<SessionStep> ISessionProtocol.RunPendingAsync()
    {
        if (Transcripts.Pop3Watched)
        {
            PublishClientLine();
        }

        // A line read while an exchange waits for the client is a response, never a command.
        var command = _mode == Pop3ReceiveMode.SaslResponse ? SaslResponseAsync(_pendingLength) : ExecuteAsync(_pendingLength);
        if (!command.IsCompletedSuccessfully)
        {
            return AfterCommandAsync(command);
        }

        // Also returns a pooled command state machine to its pool.
        command.GetAwaiter().GetResult();
        return new ValueTask<SessionStep>(NextStep());
    }

    bool ISessionProtocol.HasPartialLine(in ReadOnlySequence<byte> rest) => !rest.IsEmpty || _lineReader.IsDraining;

    bool ISessionProtocol.ClosesForSlowInput() => false;

    ValueTask<bool> ISessionProtocol.StartTlsAsync() => StartTlsAsync();

    void ISessionProtocol.WriteTimedOut()
    {
        // RFC 1939 3: an autologout timer expiry closes without entering UPDATE, so nothing is removed.
        _end = SessionEnd.Timeout;
        Pop3Log.IdleTimeout(_logger, _remote);
        _output.Write(Pop3Replies.Timeout);
    }

    void ISessionProtocol.WriteShuttingDown()
    {
        _end = SessionEnd.Shutdown;
        _output.Write(Pop3Replies.ShuttingDown);
    }

    void ISessionProtocol.WriteInternalError(SessionStep step)
    {
        _end = SessionEnd.Fault;
        Pop3Log.InternalError(_logger, _remote, step);
        _output.Write(Pop3Replies.InternalError);
    }

    void ISessionProtocol.OnFlushFailed(bool timedOut) => _mode = Pop3ReceiveMode.ConnectionLost;

    /// <summary>What the receive mode asks of the loop; every mode is named, an unknown one is a bug.</summary>
    private SessionStep NextStep()
    {
        switch (_mode)
        {
            case Pop3ReceiveMode.Command:
            case Pop3ReceiveMode.SaslResponse:
                return SessionStep.Continue;
            case Pop3ReceiveMode.StartTls:
                return SessionStep.StartTls;
            case Pop3ReceiveMode.Closing:
                return SessionStep.Close;
            case Pop3ReceiveMode.ConnectionLost:
                return SessionStep.ConnectionLost;
            default:
                return SessionStep.Fault;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SessionStep> AfterCommandAsync(ValueTask command)
    {
        await command;
        return NextStep();
    }

    /// <summary>Puts the transcript tap in front of the output (again after STLS replaced the output).</summary>
    private void AttachTranscript()
    {
        _tap ??= new TranscriptTap(TranscriptProtocol.Pop3);
        _output = _tap.Attach(_output);
    }

    /// <summary>The pending line for the transcript: a SASL response as a whole is a secret, PASS/APOP/AUTH are redacted.</summary>
    private void PublishClientLine()
    {
        if (_tap is not { } tap)
        {
            return;
        }

        if (_mode == Pop3ReceiveMode.SaslResponse)
        {
            tap.ClientSecret();
        }
        else
        {
            tap.Client(_line.AsSpan(0, _pendingLength));
        }
    }

    /// <summary>Where a message body goes: past the transcript tap, so an admin watching never sees a user's mail.</summary>
    private PipeWriter BodyOutput
    {
        get
        {
            if (_tap is { } tap && ReferenceEquals(_output, tap))
            {
                tap.ServerNote("[message content not shown]"u8);
                return tap.Inner;
            }

            return _output;
        }
    }

    /// <summary>Sends the replies written so far (a long listing or message in pieces); false when the client is gone.</summary>
    private ValueTask<bool> FlushAsync() => _loop.FlushAsync();
}
