using Microsoft.Extensions.Logging;

namespace FastMail.Storage;

/// <summary>Source-generated log messages of the mail store (event ids 3000-3099).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Mail store opened at {Directory}: {Messages} messages in {Mailboxes} mailboxes, log {BeginAddress}..{TailAddress}, replayed in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string directory, int messages, int mailboxes, long beginAddress, long tailAddress, long elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Mail log commit failed; the writers waiting for it are told so")]
    public static partial void CommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Mail store closed at log address {TailAddress}")]
    public static partial void Closed(ILogger logger, long tailAddress);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Delete record at {Address} names message {MessageId} that mailbox {Mailbox} does not hold")]
    public static partial void DeleteOfUnknownMessage(ILogger logger, long address, long messageId, string mailbox);
}
