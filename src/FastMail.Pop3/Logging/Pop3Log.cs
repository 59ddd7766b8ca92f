using System.Net;
using Microsoft.Extensions.Logging;

namespace FastMail.Pop3.Logging;

/// <summary>Source-generated log messages of the POP3 service: AOT-safe, free when the level is off. Event ids 6000-6099.</summary>
internal static partial class Pop3Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "POP3 session started from {Remote}")]
    public static partial void SessionStarted(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "POP3 session from {Remote} ended")]
    public static partial void SessionEnded(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "POP3 login to {Mailbox} from {Remote}")]
    public static partial void LoggedIn(ILogger logger, string mailbox, IPEndPoint? remote);

    // Warning, with the client address, for fail2ban-style monitoring; never the password, nor whether the user exists.
    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "POP3 authentication failed ({Method}) from {Remote}")]
    public static partial void AuthenticationFailed(ILogger logger, string method, IPEndPoint? remote);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "POP3 mailbox {Mailbox} is locked by another session; refused {Remote}")]
    public static partial void MailboxInUse(ILogger logger, string mailbox, IPEndPoint? remote);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "POP3 removed {Count} messages from {Mailbox}")]
    public static partial void DeletesCommitted(ILogger logger, int count, string mailbox);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Error, Message = "POP3 could not remove {Count} messages from {Mailbox}")]
    public static partial void CommitFailed(ILogger logger, Exception exception, int count, string mailbox);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "POP3 could not open mailbox {Mailbox}")]
    public static partial void OpenFailed(ILogger logger, Exception exception, string mailbox);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Error, Message = "POP3 authentication service failed for {Remote}")]
    public static partial void DirectoryFailed(ILogger logger, Exception exception, IPEndPoint? remote);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Information, Message = "POP3 session from {Remote} idle too long, closing")]
    public static partial void IdleTimeout(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "POP3 session from {Remote} made too many errors, closing")]
    public static partial void TooManyErrors(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "POP3 session from {Remote} failed")]
    public static partial void SessionFailed(ILogger logger, Exception exception, IPEndPoint? remote);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning, Message = "POP3 could not release mailbox {Mailbox}")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string mailbox);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Warning, Message = "POP3 authentication refused ({Method}) from {Remote}: locked out after repeated failures")]
    public static partial void AuthenticationLockedOut(ILogger logger, string method, IPEndPoint? remote);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Debug, Message = "POP3 session from {Remote} started TLS: {Tls}")]
    public static partial void TlsStarted(ILogger logger, string? tls, IPEndPoint? remote);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Information, Message = "POP3 TLS handshake with {Remote} failed, closing")]
    public static partial void TlsFailed(ILogger logger, Exception exception, IPEndPoint? remote);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Error, Message = "POP3 session from {Remote} ended by an internal error (unexpected step {Step})")]
    public static partial void InternalError(ILogger logger, IPEndPoint? remote, FastMail.Core.Protocol.SessionStep step);
}
