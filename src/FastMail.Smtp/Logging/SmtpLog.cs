using System.Net;
using Microsoft.Extensions.Logging;

namespace FastMail.Smtp.Logging;

/// <summary>SMTP session events; ids are stable (5xxx = SMTP), so operators can filter on them.</summary>
internal static partial class SmtpLog
{
    [LoggerMessage(5001, LogLevel.Debug, "SMTP session from {Remote} started")]
    public static partial void SessionStarted(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(5002, LogLevel.Debug, "SMTP session from {Remote} ended")]
    public static partial void SessionEnded(ILogger logger, IPEndPoint? remote);

    // Debug: the mail log's transaction line (SmtpTransactionLog 5100) says the same for the operator; this one adds the store id.
    [LoggerMessage(5003, LogLevel.Debug, "Message {QueueId:X16} from {Remote} accepted: {Size} octets for {Mailboxes} mailbox(es), store id {StoreId}")]
    public static partial void MessageAccepted(ILogger logger, long queueId, IPEndPoint? remote, long size, int mailboxes, long storeId);

    [LoggerMessage(5004, LogLevel.Debug, "Message {QueueId:X16} from {Remote} rejected: {Reason}")]
    public static partial void MessageRejected(ILogger logger, long queueId, IPEndPoint? remote, string reason);

    [LoggerMessage(5005, LogLevel.Error, "Message {QueueId:X16} from {Remote} could not be stored")]
    public static partial void StoreFailed(ILogger logger, Exception exception, long queueId, IPEndPoint? remote);

    [LoggerMessage(5006, LogLevel.Debug, "SMTP session from {Remote} ended by a connection error")]
    public static partial void SessionFaulted(ILogger logger, Exception exception, IPEndPoint? remote);

    [LoggerMessage(5007, LogLevel.Information, "SMTP session from {Remote} timed out")]
    public static partial void TimedOut(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(5008, LogLevel.Information, "SMTP session from {Remote} closed after too many errors")]
    public static partial void TooManyErrors(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(5009, LogLevel.Warning, "SMTP AUTH {Mechanism} from {Remote} failed (locked out: {LockedOut})")]
    public static partial void AuthenticationFailed(ILogger logger, IPEndPoint? remote, string mechanism, bool lockedOut);

    [LoggerMessage(5015, LogLevel.Error, "SMTP AUTH from {Remote} could not check the credentials")]
    public static partial void AuthenticationError(ILogger logger, Exception exception, IPEndPoint? remote);

    [LoggerMessage(5010, LogLevel.Information, "SMTP client {Remote} authenticated as {User} with {Mechanism}")]
    public static partial void Authenticated(ILogger logger, IPEndPoint? remote, string? user, string mechanism);

    [LoggerMessage(5011, LogLevel.Debug, "SMTP session from {Remote} switched to TLS: {Tls}")]
    public static partial void TlsStarted(ILogger logger, IPEndPoint? remote, string? tls);

    [LoggerMessage(5012, LogLevel.Information, "SMTP STARTTLS handshake with {Remote} failed")]
    public static partial void TlsFailed(ILogger logger, Exception exception, IPEndPoint? remote);

    [LoggerMessage(5013, LogLevel.Information, "SMTP client {Remote} talked before the greeting")]
    public static partial void EarlyTalker(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(5014, LogLevel.Information, "SMTP client {Remote} sent message data too slowly")]
    public static partial void DataTooSlow(ILogger logger, IPEndPoint? remote);

    [LoggerMessage(5017, LogLevel.Error, "SMTP session from {Remote} ended by an internal error (unexpected step {Step})")]
    public static partial void InternalError(ILogger logger, IPEndPoint? remote, FastMail.Core.Protocol.SessionStep step);
}
