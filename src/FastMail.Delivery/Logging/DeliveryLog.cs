using Microsoft.Extensions.Logging;

namespace FastMail.Delivery.Logging;

/// <summary>Delivery events; ids are stable (7xxx = delivery), so operators can filter on them.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(7001, LogLevel.Information, "Message {QueueId:X16}: not delivered to {Mailbox}, over its quota ({Usage} + {Size} > {Quota} bytes)")]
    public static partial void OverQuota(ILogger logger, long queueId, string mailbox, long usage, long size, long quota);

    [LoggerMessage(7002, LogLevel.Warning, "A delivery status notification for {Recipient} was dropped: no local mailbox has that address")]
    public static partial void NotificationUndeliverable(ILogger logger, string recipient);
}
