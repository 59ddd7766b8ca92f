using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using FastMail.Core.Diagnostics;
using FastMail.Core.Protocol;
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
/// The loop is the shared <see cref="SessionLoop"/> (its hooks are in SmtpSession.Protocol.cs); this file holds the
/// command dispatch, and the verbs are in SmtpSession.*.cs.
/// </summary>
internal sealed partial class SmtpSession : IPooledSession
{
    // RFC 5321 4.1.3: "[IPv6:" + the longest IPv6 text (45: six groups and a dotted IPv4) + "%" and a scope id
    // (up to 10 digits) + "]" is 63 octets; a literal that does not fit is left out of the Received header.
    private const int MaxRemoteLiteralLength = 64;

    private readonly SmtpServerContext _context;
    private readonly SessionLoop _loop;
    private readonly byte[] _lineScratch;
    private readonly int _dataOutLength;
    private readonly AddressBuffer _helo;
    private readonly byte[] _remoteLiteral = new byte[MaxRemoteLiteralLength];

    private IMailConnection? _connection;
    private PipeReader? _input;
    private PipeWriter? _output;
    private IPEndPoint? _remote;
    private int _remoteLiteralLength;
    private CancellationToken _shutdown;

    // In front of _output while an admin watches SMTP transcripts; one per pooled session, made on first watch.
    private TranscriptTap? _tap;

    // "What it is doing", readable from other threads (timer and shutdown callbacks).
    private volatile ReceiveMode _mode;
    private TransactionState _transaction;
    private ErrorLimit _errors;
    private bool _extended;

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
        _loop = new SessionLoop(this);
        _lineScratch = new byte[context.Options.MaxCommandLineLength];
        _helo = new AddressBuffer(context.Options.MaxCommandLineLength);

        // Also stages the trace headers, which hold HELO, sender, recipient and host name.
        _dataOutLength = Math.Max(16 * 1024, (4 * context.MaxAddressLength) + context.Replies.HostName.Length + 768);
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
        StartJournal(connection);
        SmtpLog.SessionStarted(_context.Logger, remote);
        try
        {
            await _loop.RunAsync(shutdown);
        }
        catch (Exception exception)
        {
            _end = SessionEnd.Fault;
            SmtpLog.SessionFaulted(_context.Logger, exception, remote);
        }
        finally
        {
            LogTransactionAbandoned(EndText(_end));
            LogSessionSummary();
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
        _tap?.Detach();
        _connection = null;
        _input = null;
        _output = null;
        _remote = null;
        _remoteLiteralLength = 0;
        _shutdown = default;
        _mode = ReceiveMode.Command;
        ResetChunk();
        _pending = ProcessResult.Continue;
        _errors.Reset();
        _extended = false;
        _helo.Clear();
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
                    var status = SmtpCommandParser.TryReadLine(buffer, _context.Options.MaxCommandLineLength, _lineScratch, out var line, out var next);
                    var authLine = false;
                    if (status == LineStatus.TooLong && _context.Sasl is not null && AuthCommand.StartsBuffer(buffer))
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

                case ReceiveMode.Chunk:
                case ReceiveMode.DrainChunk:
                {
                    if (!ReadChunk(ref buffer))
                    {
                        return ProcessResult.NeedMoreData;
                    }

                    var result = FinishChunk();
                    if (result != ProcessResult.Continue)
                    {
                        return result;
                    }

                    continue;
                }

                case ReceiveMode.Data:
                case ReceiveMode.DrainData:
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

                default:
                    return ProcessResult.Fault;
            }
        }
    }

    private ProcessResult Execute(ReadOnlySpan<byte> line)
    {
        if (Transcripts.SmtpWatched)
        {
            _tap?.Client(line);
        }

        var verb = SmtpCommandParser.ParseVerb(line, out var arguments);
        _commands.Start(verb);
        CountCommand(verb);
        if (verb == SmtpVerb.Bdat)
        {
            // RFC 3030 2: even a refused BDAT is followed by its chunk, so it checks the table itself once the size is known.
            return Bdat(arguments);
        }

        var sequence = SmtpStateTable.Check(verb, _transaction);
        if (sequence != SequenceError.None)
        {
            return Error(SequenceReply(sequence));
        }

        var result = verb switch
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
        LogRefusedEnvelopeCommand(verb, arguments);
        return result;
    }

    private static ReadOnlySpan<byte> SequenceReply(SequenceError error) => error switch
    {
        SequenceError.NeedMail => SmtpReplies.NeedMail,
        SequenceError.NeedRcpt => SmtpReplies.NeedRcpt,
        SequenceError.NestedMail => SmtpReplies.NestedMail,
        SequenceError.InTransaction => SmtpReplies.InTransaction,
        SequenceError.DataAfterBdat => SmtpReplies.DataAfterBdat,
        _ => SmtpReplies.RcptAfterBdat,
    };

    private ProcessResult Reply(ReadOnlySpan<byte> reply)
    {
        Output.Write(reply);
        if (!reply.IsEmpty && reply[0] >= (byte)'4')
        {
            // A 4xx or 5xx that is not the client's error (452 too many recipients, 552 too big, 451 store failed).
            NoteRefusal(reply);
        }

        return ProcessResult.Continue;
    }

    /// <summary>Sends an error reply; the MaxErrors-th one is followed by 421 and the end of the session.</summary>
    private ProcessResult Error(ReadOnlySpan<byte> reply)
    {
        Output.Write(reply);
        NoteRefusal(reply);
        return CountError();
    }

    // The shared rule (ErrorLimit): the MaxErrors-th error closes; SMTP sends its error, then 421.
    private ProcessResult CountError()
    {
        _commands.Refuse();
        if (!_errors.CountAndCheck(_context.Options.MaxErrors))
        {
            return ProcessResult.Continue;
        }

        _end = SessionEnd.TooManyErrors;
        SmtpLog.TooManyErrors(_context.Logger, _remote);
        Output.Write(_context.Replies.TooManyErrors);
        return ProcessResult.Close;
    }

    private void ResetTransaction()
    {
        // A BDAT transaction holds its message open between commands: RSET, EHLO and a failed chunk discard it.
        AbortMessage();
        _transaction = TransactionState.Idle;
        _markUnauthenticated = false;
        _envelope.Clear();
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
