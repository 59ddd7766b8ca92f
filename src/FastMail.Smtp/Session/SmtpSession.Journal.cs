using System.Globalization;
using System.Text;
using FastMail.Core.Diagnostics;
using FastMail.Core.Services;
using FastMail.Smtp.Logging;
using FastMail.Smtp.Parsing;
using FastMail.Smtp.Replies;
using Microsoft.Extensions.Logging;

namespace FastMail.Smtp.Session;

/// <summary>
/// The mail log (<see cref="SmtpTransactionLog"/>): one line per transaction (accepted, rejected or abandoned), per
/// refused MAIL or RCPT, and per session at its end. The bookkeeping is a few fields reset per session and two counters
/// per command; the strings (sanitized client values) are made only when the transaction log is enabled, which is
/// read once when the session starts.
/// </summary>
internal sealed partial class SmtpSession
{
    // A refusal reply is kept for the reject and transaction lines; longer ones are cut (only the log sees the copy).
    private const int MaxLoggedReplyLength = 512;

    // Most recipients named in one transaction line; the rest is counted ("+N more"), so a line stays readable.
    private const int MaxLoggedRecipients = 50;

    private readonly SmtpCommandCounts _commands = new();
    private readonly byte[] _refusal = new byte[MaxLoggedReplyLength];
    private int _refusalLength;
    private bool _journal;
    private string _listener = "smtp";
    private long _sessionStarted;
    private long _transactionStarted;
    private SessionEnd _end;

    /// <summary>How the session ended, for the disconnect line.</summary>
    private enum SessionEnd : byte
    {
        Disconnect,
        Quit,
        Timeout,
        TooManyErrors,
        Shutdown,
        TlsFailed,
        TooSlow,
        EarlyTalker,
        Fault,
    }

    private ILogger Journal => _context.TransactionLogger;

    private void StartJournal(IMailConnection connection)
    {
        _journal = Journal.IsEnabled(LogLevel.Information);
        _sessionStarted = _context.Time.GetTimestamp();
        _transactionStarted = _sessionStarted;

        // Implicit TLS from the first octet: the SMTPS port (RFC 8314), whatever handler serves it.
        _listener = connection.IsSecure ? "smtps" : _context.Options.ListenerName;
        _commands.Reset();
        _refusalLength = 0;
        _end = SessionEnd.Disconnect;
    }

    /// <summary>The reply just written refuses the current command: counted, and kept for the log line.</summary>
    private void NoteRefusal(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> middle = default, ReadOnlySpan<byte> suffix = default)
    {
        _commands.Refuse();
        if (!_journal)
        {
            return;
        }

        _refusalLength = 0;
        KeepRefusal(prefix);
        KeepRefusal(middle);
        KeepRefusal(suffix);
    }

    private void KeepRefusal(ReadOnlySpan<byte> part)
    {
        var take = Math.Min(part.Length, _refusal.Length - _refusalLength);
        part[..take].CopyTo(_refusal.AsSpan(_refusalLength));
        _refusalLength += take;
    }

    /// <summary>After MAIL or RCPT: Postfix's "NOQUEUE: reject" line when the command was refused.</summary>
    private void LogRefusedEnvelopeCommand(SmtpVerb verb, ReadOnlySpan<byte> arguments)
    {
        if (!_journal || !_commands.CurrentRefused || verb is not (SmtpVerb.Mail or SmtpVerb.Rcpt))
        {
            return;
        }

        SmtpTransactionLog.CommandRejected(
            Journal,
            verb == SmtpVerb.Mail ? "MAIL" : "RCPT",
            ClientText(),
            LogText.Reply(_refusal.AsSpan(0, _refusalLength)),
            _listener,
            LogText.From(_helo.Span),
            UserText(),
            TlsText(),
            _transaction == TransactionState.Idle ? "" : LogText.From(_envelope.Sender),
            LogText.From(arguments));
    }

    /// <summary>The end of DATA or BDAT LAST: the message was stored (250 with its queue id) or refused with <paramref name="reply"/>.</summary>
    private void LogTransactionEnded(bool accepted, ReadOnlySpan<byte> reply)
    {
        if (!_journal)
        {
            return;
        }

        var queueId = QueueIdText();
        SmtpTransactionLog.TransactionEnded(
            Journal,
            queueId,
            accepted ? "accepted" : "rejected",
            ClientText(),
            _listener,
            LogText.From(_helo.Span),
            UserText(),
            TlsText(),
            LogText.From(_envelope.Sender),
            RecipientsText(),
            _envelope.RecipientCount,
            _messageSize,
            accepted ? Encoding.ASCII.GetString(SmtpReplies.QueuedAsPrefix) + queueId : LogText.Reply(reply),
            Milliseconds(_transactionStarted));
    }

    /// <summary>A transaction that MAIL started ends without a message: RSET, HELO/EHLO, QUIT, or the end of the session.</summary>
    private void LogTransactionAbandoned(string endedBy)
    {
        if (!_journal || _transaction == TransactionState.Idle)
        {
            return;
        }

        SmtpTransactionLog.TransactionAbandoned(
            Journal,
            _envelope.QueueId == 0 ? "NOQUEUE" : QueueIdText(),
            ClientText(),
            _listener,
            LogText.From(_helo.Span),
            UserText(),
            TlsText(),
            LogText.From(_envelope.Sender),
            RecipientsText(),
            _envelope.RecipientCount,
            endedBy,
            Milliseconds(_transactionStarted));
    }

    private void LogSessionSummary()
    {
        if (!_journal)
        {
            return;
        }

        SmtpTransactionLog.SessionSummary(
            Journal,
            ClientText(),
            _listener,
            LogText.From(_helo.Span),
            UserText(),
            TlsText(),
            _commands.Format(),
            EndText(_end),
            Milliseconds(_sessionStarted));
    }

    // "[192.0.2.1]:25", "[2001:db8::1]:25": the port tells two connections from one NAT apart.
    private string ClientText() => _remote is { } remote
        ? "[" + (remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address).ToString() + "]:" + remote.Port.ToString(CultureInfo.InvariantCulture)
        : "unknown";

    private string UserText() => _user is null ? "none" : LogText.From(_user);

    private string TlsText() => _secure ? "yes" : "no";

    private string QueueIdText()
    {
        Span<byte> text = stackalloc byte[QueueIds.FormattedLength];
        return Encoding.ASCII.GetString(text[..QueueIds.Format(_queueId, text)]);
    }

    private string RecipientsText()
    {
        var count = _envelope.RecipientCount;
        var text = new StringBuilder();
        for (var i = 0; i < Math.Min(count, MaxLoggedRecipients); i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(LogText.From(_envelope[i].Address));
        }

        if (count > MaxLoggedRecipients)
        {
            text.Append(",+").Append(count - MaxLoggedRecipients).Append(" more");
        }

        return text.ToString();
    }

    // Tenths of a millisecond: a local transaction takes well under one.
    private double Milliseconds(long since) => Math.Round(_context.Time.GetElapsedTime(since).TotalMilliseconds, 1);

    private static string EndText(SessionEnd end) => end switch
    {
        SessionEnd.Quit => "quit",
        SessionEnd.Timeout => "timeout",
        SessionEnd.TooManyErrors => "too-many-errors",
        SessionEnd.Shutdown => "shutdown",
        SessionEnd.TlsFailed => "tls-failed",
        SessionEnd.TooSlow => "too-slow",
        SessionEnd.EarlyTalker => "early-talker",
        SessionEnd.Fault => "fault",
        _ => "disconnect",
    };
}
