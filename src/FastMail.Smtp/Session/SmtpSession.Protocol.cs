using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastMail.Core.Diagnostics;
using FastMail.Core.Protocol;
using FastMail.Smtp.Logging;

namespace FastMail.Smtp.Session;

/// <summary>
/// SMTP's side of the shared <see cref="SessionLoop"/>: deadlines by receive mode (RFC 5321 4.5.3.2), the mapping of
/// every <see cref="ProcessResult"/> to a loop step, and the awaited steps (a message's commit, a SASL step).
/// </summary>
internal sealed partial class SmtpSession : ISessionProtocol
{
    // The asynchronous work the last FlushThenAwait stands for: Commit or Authenticate, else Continue (none).
    private ProcessResult _pending;

    PipeReader ISessionProtocol.Input => _input!;

    PipeWriter ISessionProtocol.Output => Output;

    TimeProvider ISessionProtocol.Time => _context.Time;

    // RFC 5321 4.5.3.2: the timeout is per command, and per block of message text.
    TimeSpan ISessionProtocol.ReadTimeout => InData ? _context.Options.DataTimeout : _context.Options.CommandTimeout;

    // A client that stops reading gets no longer than the command timeout.
    TimeSpan ISessionProtocol.FlushTimeout => _context.Options.CommandTimeout;

    // A message being received may finish; a session waiting for a command is told to go.
    bool ISessionProtocol.StopsOnShutdown => !InData;

    private bool InData => _mode is ReceiveMode.Data or ReceiveMode.DrainData or ReceiveMode.Chunk or ReceiveMode.DrainChunk;

    ValueTask<bool> ISessionProtocol.GreetAsync()
    {
        if (Transcripts.SmtpWatched)
        {
            AttachTranscript();
        }

        if (_context.Options.GreetingDelay > TimeSpan.Zero)
        {
            return GreetAfterDelayAsync();
        }

        Output.Write(_context.Replies.Greeting);
        return new ValueTask<bool>(true);
    }

    SessionStep ISessionProtocol.Process(ref ReadOnlySequence<byte> buffer)
    {
        // Live transcripts: one volatile read while nobody watches (DESIGN hot path rules).
        if (Transcripts.SmtpWatched)
        {
            AttachTranscript();
        }

        return ToStep(Process(ref buffer));
    }

    /// <summary>Puts the transcript tap in front of the output (again after STARTTLS replaced the output).</summary>
    private void AttachTranscript()
    {
        _tap ??= new TranscriptTap(TranscriptProtocol.Smtp);
        _output = _tap.Attach(Output);
    }

    ValueTask<SessionStep> ISessionProtocol.RunPendingAsync()
    {
        var pending = _pending;
        _pending = ProcessResult.Continue;
        switch (pending)
        {
            case ProcessResult.Commit:
                return CommitAsync();
            case ProcessResult.Authenticate:
                return AuthenticateStepAsync();
            case ProcessResult.Continue:
            case ProcessResult.NeedMoreData:
            case ProcessResult.StartTls:
            case ProcessResult.Close:
            case ProcessResult.Fault:
            default:
                // Nothing was pending: the loop and the session disagree, which is a bug.
                return new ValueTask<SessionStep>(SessionStep.Fault);
        }
    }

    bool ISessionProtocol.HasPartialLine(in ReadOnlySequence<byte> rest) =>
        _mode == ReceiveMode.DrainLine || (_mode is ReceiveMode.Command or ReceiveMode.SaslResponse && !rest.IsEmpty);

    bool ISessionProtocol.ClosesForSlowInput()
    {
        if (!InData || !DataTooSlow())
        {
            return false;
        }

        _end = SessionEnd.TooSlow;
        SmtpLog.DataTooSlow(_context.Logger, _remote);
        Output.Write(_context.Replies.DataTooSlow);
        return true;
    }

    ValueTask<bool> ISessionProtocol.StartTlsAsync() => new(StartTlsAsync());

    void ISessionProtocol.WriteTimedOut()
    {
        _end = SessionEnd.Timeout;
        SmtpLog.TimedOut(_context.Logger, _remote);
        Output.Write(_context.Replies.Timeout);
    }

    void ISessionProtocol.WriteShuttingDown()
    {
        _end = SessionEnd.Shutdown;
        Output.Write(_context.Replies.ShuttingDown);
    }

    void ISessionProtocol.WriteInternalError(SessionStep step)
    {
        _end = SessionEnd.Fault;
        SmtpLog.InternalError(_context.Logger, _remote, step);
        Output.Write(_context.Replies.InternalError);
    }

    void ISessionProtocol.OnFlushFailed(bool timedOut)
    {
        if (timedOut)
        {
            _end = SessionEnd.Timeout;
            SmtpLog.TimedOut(_context.Logger, _remote);
        }
    }

    /// <summary>
    /// Names every <see cref="ProcessResult"/>: one that is not named is a bug and ends the session with 421 4.3.0,
    /// never with, say, the commit of whatever message is open.
    /// </summary>
    internal SessionStep ToStep(ProcessResult result)
    {
        switch (result)
        {
            case ProcessResult.Continue:
                return SessionStep.Continue;
            case ProcessResult.NeedMoreData:
                return SessionStep.NeedMoreData;
            case ProcessResult.Commit:
            case ProcessResult.Authenticate:
                // Replies before the message (or the AUTH line) go out before the store or the directory is awaited.
                _pending = result;
                return SessionStep.FlushThenAwait;
            case ProcessResult.StartTls:
                return SessionStep.StartTls;
            case ProcessResult.Close:
                return SessionStep.Close;
            case ProcessResult.Fault:
            default:
                return SessionStep.Fault;
        }
    }

    /// <summary>
    /// Commits the message just received; its reply follows durable storage (DESIGN contract 1). Not cancelled by
    /// shutdown: a message already received is finished. Pipelined commands behind the message add their replies to
    /// this one before the next flush. Pooled, so a commit costs no state machine allocation in the steady state.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SessionStep> CommitAsync()
    {
        var message = _message!;
        _message = null;
        Exception? failure = null;
        long storeId = 0;
        var commitStarted = Stopwatch.GetTimestamp();
        try
        {
            storeId = await _context.Delivery.CommitAsync(_envelope, message, CancellationToken.None);
            _context.Metrics.CommitFinished(commitStarted);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        EndCommit(message, storeId, failure);
        return SessionStep.Continue;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SessionStep> AuthenticateStepAsync() => ToStep(await AuthenticateAsync());

    private async ValueTask<bool> GreetAfterDelayAsync()
    {
        if (!await WaitBeforeGreetingAsync())
        {
            return false;
        }

        Output.Write(_context.Replies.Greeting);
        return true;
    }
}
