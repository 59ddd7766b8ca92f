using System.Globalization;
using FastMail.Core.Diagnostics;
using FastMail.Core.Services;
using FastMail.Pop3.Logging;
using Microsoft.Extensions.Logging;

namespace FastMail.Pop3.Session;

/// <summary>
/// The session line of the POP3 log (<see cref="Pop3SessionLog"/>): counters kept in fields reset per session; the
/// line and its strings are made only when the log is enabled, which is read once when the session starts.
/// </summary>
internal sealed partial class Pop3Session
{
    private bool _journal;
    private bool _implicitTls;
    private long _sessionStarted;
    private string? _journalUser;
    private int _commandCount;
    private int _retrieved;
    private long _retrievedBytes;
    private int _topCount;
    private int _deletedCommitted;
    private SessionEnd _end;

    /// <summary>How the session ended.</summary>
    private enum SessionEnd : byte
    {
        Disconnect,
        Quit,
        Update,
        UpdateFailed,
        Timeout,
        TooManyErrors,
        Shutdown,
        TlsFailed,
        Fault,
    }

    private void StartJournal(IMailConnection connection)
    {
        _journal = _journalLogger.IsEnabled(LogLevel.Information);
        _implicitTls = connection.IsSecure;
        _sessionStarted = _time.GetTimestamp();
        _journalUser = null;
        _commandCount = 0;
        _retrieved = 0;
        _retrievedBytes = 0;
        _topCount = 0;
        _deletedCommitted = 0;
        _end = SessionEnd.Disconnect;
    }

    private void LogSessionEnded()
    {
        if (!_journal)
        {
            return;
        }

        var remote = _remote;
        var client = remote is null
            ? "unknown"
            : "[" + (remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address).ToString() + "]:" + remote.Port.ToString(CultureInfo.InvariantCulture);
        Pop3SessionLog.SessionEnded(
            _journalLogger,
            client,
            _implicitTls ? "pop3s" : "pop3",
            _journalUser is null ? "none" : LogText.From(_journalUser),
            _connection.IsSecure ? "yes" : "no",
            EndText(_end),
            _retrieved,
            _retrievedBytes,
            _topCount,
            _deletedCommitted,
            _commandCount,
            Math.Round(_time.GetElapsedTime(_sessionStarted).TotalMilliseconds, 1));
    }

    private static string EndText(SessionEnd end) => end switch
    {
        SessionEnd.Quit => "quit",
        SessionEnd.Update => "quit-update",
        SessionEnd.UpdateFailed => "quit-update-failed",
        SessionEnd.Timeout => "timeout",
        SessionEnd.TooManyErrors => "too-many-errors",
        SessionEnd.Shutdown => "shutdown",
        SessionEnd.TlsFailed => "tls-failed",
        SessionEnd.Fault => "fault",
        _ => "disconnect",
    };
}
