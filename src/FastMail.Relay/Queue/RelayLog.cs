using Microsoft.Extensions.Logging;

namespace FastMail.Relay.Queue;

/// <summary>Outbound queue events; ids 8xxx. The attempt line reads like Postfix's maillog: one per recipient per attempt.</summary>
internal static partial class RelayLog
{
    [LoggerMessage(8001, LogLevel.Information, "Queue: {Count} messages to deliver after start")]
    public static partial void QueueLoaded(ILogger logger, int count);

    [LoggerMessage(8002, LogLevel.Information, "{Id:X16}: to=<{Recipient}>, relay={Relay}, delay={Delay:0.##}, status={Status} ({Reply})")]
    public static partial void Attempt(ILogger logger, long id, string recipient, string relay, double delay, string status, string? reply);

    [LoggerMessage(8003, LogLevel.Information, "{Id:X16}: {Action} notification to <{Sender}> stored as {NotificationId:X16}")]
    public static partial void NotificationSent(ILogger logger, long id, string action, string sender, long notificationId);

    [LoggerMessage(8004, LogLevel.Warning, "{Domain}: next hop {Host}[{Address}]:{Port} failed: {Reason}")]
    public static partial void HopFailed(ILogger logger, string domain, string host, string address, int port, string reason);

    [LoggerMessage(8005, LogLevel.Error, "{Id:X16}: could not be loaded from the queue")]
    public static partial void LoadFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(8006, LogLevel.Error, "{Id:X16}: could not save its delivery state; tried again later")]
    public static partial void SettleFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(8007, LogLevel.Information, "{Id:X16}: removed from the queue by an operator")]
    public static partial void Deleted(ILogger logger, long id);
}
