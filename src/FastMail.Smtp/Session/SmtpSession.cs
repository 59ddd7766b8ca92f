using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using FastMail.Core.Services;
using FastMail.Smtp.Data;
using FastMail.Smtp.Logging;
using FastMail.Smtp.Parsing;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// One SMTP connection (RFC 5321 server side). Pooled by <see cref="SmtpSessionHandler"/>: every buffer lives as
/// long as the object, and <see cref="Reset"/> clears all per-connection state before reuse.
/// The read loop is "drain, then flush once": every complete command already received is answered into the
/// output buffer, and the replies go out in one flush (RFC 2920 PIPELINING for free).
/// This file holds the loop; the verbs are in SmtpSession.*.cs.
/// </summary>
internal sealed partial class SmtpSession
{
    private static readonly TimerCallback s_onTimer = static state => ((SmtpSession)state!).OnTimer();
    private static readonly Action<object?> s_onShutdown = static state => ((SmtpSession)state!).OnShutdown();

    // RFC 5321 4.1.3: "[IPv6:" + the longest IPv6 text (45: six groups and a dotted IPv4) + "%" and a scope id
    // (up to 10 digits) + "]" is 63 octets; a literal that does not fit is left out of the Received header.
    private const int MaxRemoteLiteralLength = 64;

    private readonly SmtpServerContext _context;
    private readonly byte[] _lineScratch;
    private readonly byte[] _dataOut;
    private readonly AddressBuffer _helo;
    private readonly AddressBuffer _sender;
    private readonly AddressBuffer _firstRecipient;
    private readonly byte[] _remoteLiteral = new byte[MaxRemoteLiteralLength];
    private readonly List<string> _mailboxes = [];

    private IMailConnection? _connection;
    private PipeReader? _input;
    private PipeWriter? _output;
    private ITimer? _timer;
    private IPEndPoint? _remote;
    private int _remoteLiteralLength;
    private CancellationToken _shutdown;
    private volatile bool _timedOut;

    // "What it is doing", readable from other threads (timer and shutdown callbacks).
    private volatile ReceiveMode _mode;
    private TransactionState _transaction;
    private int _errors;
    private bool _extended;
    private bool _senderIsNull;
    private int _recipientCount;

    private DataScanner _scanner;
    private IMessageWriter? _message;
    private long _messageSize;
    private DataFailure _dataFailure;
    private long _queueId;
    private long _dataStarted;
    private long _dataReceived;

    public SmtpSession(SmtpServerContext context)
    {
        _context = context;
        _lineScratch = new byte[context.MaxLineLength];
        _helo = new AddressBuffer(context.MaxLineLength);
        _sender = new AddressBuffer(context.MaxAddressLength);
        _firstRecipient = new AddressBuffer(context.MaxAddressLength);

        // Also stages the trace headers, which hold HELO, sender, recipient and host name.
        _dataOut = new byte[Math.Max(16 * 1024, (4 * context.MaxAddressLength) + context.Replies.HostName.Length + 768)];
    }

    private enum DataFailure : byte
    {
        None,
        TooBig,
        StoreFailed,
        StorageFull,
    }

    private PipeWriter Output => _output!;

    /// <summary>Runs the session to its end. Never throws: connection errors end the session quietly.</summary>
    public async Task RunAsync(IMailConnection connection, CancellationToken shutdown)
    {
        var remote = connection.RemoteEndPoint;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _remote = remote;
        _shutdown = shutdown;
        _remoteLiteralLength = FormatRemoteLiteral(remote, _remoteLiteral);
        ReadSecurity();
        SmtpLog.SessionStarted(_context.Logger, remote);

        var timer = _context.Time.CreateTimer(s_onTimer, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer = timer;
        var registration = shutdown.UnsafeRegister(s_onShutdown, this);
        try
        {
            await RunLoopAsync(timer);
        }
        catch (Exception exception)
        {
            SmtpLog.SessionFaulted(_context.Logger, exception, remote);
        }
        finally
        {
            await registration.DisposeAsync();
            await timer.DisposeAsync();
            AbortMessage();
            await _input.CompleteAsync();
            await _output.CompleteAsync();
            SmtpLog.SessionEnded(_context.Logger, remote);
        }
    }

    /// <summary>Clears everything one connection left behind, so the pooled object starts like a new one.</summary>
    public void Reset()
    {
        AbortMessage();
        ResetTransaction();
        ResetSecurity();
        _connection = null;
        _input = null;
        _output = null;
        _timer = null;
        _remote = null;
        _remoteLiteralLength = 0;
        _shutdown = default;
        _timedOut = false;
        _mode = ReceiveMode.Command;
        _errors = 0;
        _extended = false;
        _helo.Clear();
    }

    private async Task RunLoopAsync(ITimer timer)
    {
        if (_context.GreetingDelay > TimeSpan.Zero && !await WaitBeforeGreetingAsync())
        {
            return;
        }

        Output.Write(_context.Replies.Greeting);
        if (!EndFlush(await BeginFlush()))
        {
            return;
        }

        var lineInProgress = false;
        var lineStarted = 0L;
        while (true)
        {
            // Re-read each time: STARTTLS replaces the pipes.
            var input = _input!;
            var output = Output;
            var inData = _mode is ReceiveMode.Data or ReceiveMode.DrainData;

            // A message being received may finish; a session waiting for a command is told to go.
            if (!inData && _shutdown.IsCancellationRequested)
            {
                output.Write(_context.Replies.ShuttingDown);
                EndFlush(await BeginFlush());
                return;
            }

            // RFC 5321 4.5.3.2: the timeout is per command, and per block of message text. A command line must
            // complete within it however slowly it trickles in (a slowloris sending a byte a second is cut off).
            var wait = inData ? _context.DataTimeout : _context.CommandTimeout;
            if (!inData && lineInProgress)
            {
                wait -= _context.Time.GetElapsedTime(lineStarted);
                wait = wait > TimeSpan.Zero ? wait : TimeSpan.FromTicks(1);
            }

            _timedOut = false;
            timer.Change(wait, Timeout.InfiniteTimeSpan);
            var result = await input.ReadAsync();
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                if (_timedOut)
                {
                    SmtpLog.TimedOut(_context.Logger, _remote);
                    output.Write(_context.Replies.Timeout);
                    EndFlush(await BeginFlush());
                    return;
                }

                continue;
            }

            var action = Process(ref buffer);
            var partialLine = action == ProcessResult.NeedMoreData
                && (_mode == ReceiveMode.DrainLine || (_mode is ReceiveMode.Command or ReceiveMode.SaslResponse && !buffer.IsEmpty));
            if (partialLine && !lineInProgress)
            {
                lineStarted = _context.Time.GetTimestamp();
            }

            lineInProgress = partialLine;
            if (action == ProcessResult.NeedMoreData)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    // The client hung up; whatever it sent last still gets its answers, a half message is dropped.
                    EndFlush(await BeginFlush());
                    return;
                }

                if (_mode is ReceiveMode.Data or ReceiveMode.DrainData && DataTooSlow())
                {
                    SmtpLog.DataTooSlow(_context.Logger, _remote);
                    output.Write(_context.Replies.DataTooSlow);
                    EndFlush(await BeginFlush());
                    return;
                }

                if (!EndFlush(await BeginFlush()))
                {
                    return;
                }

                continue;
            }

            if (action == ProcessResult.StartTls)
            {
                // RFC 3207 4.2: whatever the client pipelined behind STARTTLS is discarded, never executed.
                input.AdvanceTo(buffer.End);
                if (!EndFlush(await BeginFlush()) || !await StartTlsAsync())
                {
                    return;
                }

                continue;
            }

            // Stopped early: the rest of the buffer is unexamined, so the next read returns it at once.
            // (Read its length first: after AdvanceTo the sequence's segments may be recycled.)
            var moreBuffered = !buffer.IsEmpty;
            input.AdvanceTo(buffer.Start);
            if (action == ProcessResult.Close)
            {
                EndFlush(await BeginFlush());
                return;
            }

            // Replies before the message are sent before awaiting the store; the 250 follows durable storage.
            if (!EndFlush(await BeginFlush()))
            {
                return;
            }

            if (action == ProcessResult.Authenticate)
            {
                if (await AuthenticateAsync() == ProcessResult.Close)
                {
                    EndFlush(await BeginFlush());
                    return;
                }

                if (!moreBuffered && !EndFlush(await BeginFlush()))
                {
                    return;
                }

                continue;
            }

            // Not cancelled by shutdown: a message already received is finished. Awaited here rather than in a
            // helper, so a commit costs no async state machine of its own.
            var message = _message!;
            _message = null;
            Exception? failure = null;
            long storeId = 0;
            try
            {
                storeId = await message.CommitAsync(_mailboxes, CancellationToken.None);
            }
            catch (Exception exception)
            {
                failure = exception;
            }

            // Pipelined commands behind the message add their replies to this one before the next flush.
            EndCommit(message, storeId, failure);
            if (!moreBuffered && !EndFlush(await BeginFlush()))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Starts sending the buffered replies; await it and pass the result to <see cref="EndFlush"/>. A client that stops
    /// reading gets no longer than the command timeout. Not an async method, so a flush that completes at once
    /// costs no state machine (Debug builds allocate one per async call).
    /// </summary>
    private ValueTask<FlushResult> BeginFlush()
    {
        _timedOut = false;
        _timer!.Change(_context.CommandTimeout, Timeout.InfiniteTimeSpan);
        return Output.FlushAsync();
    }

    /// <summary>False when the session cannot go on: the client is gone, or the flush timed out.</summary>
    private bool EndFlush(FlushResult result)
    {
        _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (result.IsCanceled)
        {
            SmtpLog.TimedOut(_context.Logger, _remote);
        }

        return !result.IsCompleted && !result.IsCanceled;
    }

    /// <summary>Answers every complete command in <paramref name="buffer"/>, advancing it past what was used.</summary>
    private ProcessResult Process(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            switch (_mode)
            {
                case ReceiveMode.Command:
                {
                    var status = SmtpCommandParser.TryReadLine(buffer, _context.MaxLineLength, _lineScratch, out var line, out var next);
                    var authLine = false;
                    if (status == LineStatus.TooLong && _context.Sasl is not null && SmtpCommandParser.StartsWithAuth(buffer))
                    {
                        // RFC 4954 4: an AUTH line with its initial response may be longer than 512 octets.
                        authLine = true;
                        status = SmtpCommandParser.TryReadLine(buffer, _context.MaxAuthLineLength, AuthLine, out line, out next);
                    }

                    if (status == LineStatus.NeedMoreData)
                    {
                        return ProcessResult.NeedMoreData;
                    }

                    if (status == LineStatus.TooLong)
                    {
                        // RFC 5321 4.5.3.1.4: answer now, then discard the rest of the line as it arrives.
                        _mode = ReceiveMode.DrainLine;
                        if (Error(authLine ? SmtpReplies.AuthLineTooLong : SmtpReplies.LineTooLong) == ProcessResult.Close)
                        {
                            return ProcessResult.Close;
                        }

                        continue;
                    }

                    buffer = buffer.Slice(next);
                    var result = Execute(line);
                    if (result != ProcessResult.Continue)
                    {
                        return result;
                    }

                    continue;
                }

                case ReceiveMode.SaslResponse:
                {
                    var result = ReadSaslResponse(ref buffer);
                    if (result != ProcessResult.Continue)
                    {
                        return result;
                    }

                    continue;
                }

                case ReceiveMode.DrainLine:
                    if (!SmtpCommandParser.TrySkipLine(ref buffer))
                    {
                        return ProcessResult.NeedMoreData;
                    }

                    _mode = ReceiveMode.Command;
                    continue;

                default:
                    if (!ScanData(ref buffer))
                    {
                        return ProcessResult.NeedMoreData;
                    }

                    var finished = FinishData();
                    if (finished != ProcessResult.Continue)
                    {
                        return finished;
                    }

                    continue;
            }
        }
    }

    private ProcessResult Execute(ReadOnlySpan<byte> line)
    {
        var verb = SmtpCommandParser.ParseVerb(line, out var arguments);
        switch (SmtpStateTable.Check(verb, _transaction))
        {
            case SequenceError.NeedMail:
                return Error(SmtpReplies.NeedMail);
            case SequenceError.NeedRcpt:
                return Error(SmtpReplies.NeedRcpt);
            case SequenceError.NestedMail:
                return Error(SmtpReplies.NestedMail);
            case SequenceError.InTransaction:
                return Error(SmtpReplies.InTransaction);
        }

        return verb switch
        {
            SmtpVerb.Helo => Hello(arguments, extended: false),
            SmtpVerb.Ehlo => Hello(arguments, extended: true),
            SmtpVerb.Mail => MailFrom(arguments),
            SmtpVerb.Rcpt => RcptTo(arguments),
            SmtpVerb.Data => StartData(arguments),
            SmtpVerb.Rset => Rset(arguments),
            SmtpVerb.Noop => Reply(SmtpReplies.Ok),
            SmtpVerb.Quit => Quit(arguments),
            SmtpVerb.Vrfy => Vrfy(arguments),
            SmtpVerb.Help => Reply(_context.Replies.HelpFor(_connection!.CanStartTls, _context.Sasl is not null)),
            SmtpVerb.Auth => Auth(arguments),
            SmtpVerb.StartTls => StartTls(arguments),
            _ => Error(SmtpReplies.UnknownCommand),
        };
    }

    private ProcessResult Reply(ReadOnlySpan<byte> reply)
    {
        Output.Write(reply);
        return ProcessResult.Continue;
    }

    /// <summary>Sends an error reply; the MaxErrors-th one is followed by 421 and the end of the session.</summary>
    private ProcessResult Error(ReadOnlySpan<byte> reply)
    {
        Output.Write(reply);
        return CountError();
    }

    private ProcessResult CountError()
    {
        if (++_errors < _context.MaxErrors)
        {
            return ProcessResult.Continue;
        }

        SmtpLog.TooManyErrors(_context.Logger, _remote);
        Output.Write(_context.Replies.TooManyErrors);
        return ProcessResult.Close;
    }

    private void ResetTransaction()
    {
        _transaction = TransactionState.Idle;
        _sender.Clear();
        _senderIsNull = false;
        _markUnauthenticated = false;
        _firstRecipient.Clear();
        _recipientCount = 0;
        _mailboxes.Clear();
    }

    private void OnTimer()
    {
        _timedOut = true;
        _input?.CancelPendingRead();
        _output?.CancelPendingFlush();
    }

    private void OnShutdown()
    {
        if (_mode is ReceiveMode.Command or ReceiveMode.DrainLine or ReceiveMode.SaslResponse)
        {
            _input?.CancelPendingRead();
        }
    }

    // RFC 5321 4.1.3 address literal of the client, for the Received header: "[192.0.2.1]" or "[IPv6:2001:db8::1]".
    private static int FormatRemoteLiteral(IPEndPoint? remote, Span<byte> destination)
    {
        if (remote is null)
        {
            return 0;
        }

        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var prefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[IPv6:"u8 : "["u8;
        prefix.CopyTo(destination);
        var length = prefix.Length;
        if (!address.TryFormat(destination[length..^1], out var written))
        {
            return 0;
        }

        length += written;
        destination[length++] = (byte)']';
        return length;
    }
}
