using System.Text.RegularExpressions;
using FastMail.Core.Services;
using FastMail.Relay.Dsn;

namespace FastMail.Relay.Queue;

/// <summary>Turns queued recipients' state into the DSN the builder writes (RFC 3464), the original read from the store.</summary>
internal static partial class Notifications
{
    public static async Task<DsnMessage> BuildAsync(QueuedItem item, IReadOnlyList<QueuedRecipient> recipients, DsnAction action, DateTimeOffset now, RetrySchedule schedule, IQueueStore store, string reportingHost, string primaryDomain)
    {
        var options = item.Options;
        DsnReturn? ret = options.Ret switch
        {
            "FULL" => DsnReturn.Full,
            "HDRS" => DsnReturn.Headers,
            _ => null,
        };
        var original = new DsnOriginal(item.Sender, options.EnvelopeId, ret, item.Arrived);
        var reports = new List<DsnRecipientReport>(recipients.Count);
        foreach (var recipient in recipients)
        {
            reports.Add(new DsnRecipientReport(
                recipient.Address,
                recipient.OriginalRecipient,
                action,
                StatusOf(recipient.LastReply, action),
                recipient.LastHost,
                recipient.LastReply is { } reply ? "smtp; " + reply : null,
                now,
                action == DsnAction.Delayed ? schedule.GiveUpAt(item.Arrived) : null));
        }

        var builder = new DsnBuilder(new DsnOptions { PrimaryDomain = primaryDomain, ReportingMta = reportingHost });
        var body = store.OpenBody(item.Id);
        await using (body.ConfigureAwait(false))
        {
            return builder.Build(original, body, reports, now);
        }
    }

    /// <summary>The enhanced status code in the last reply, else the generic one for the action (RFC 3463).</summary>
    private static string StatusOf(string? reply, DsnAction action)
    {
        if (reply is not null && EnhancedCode().Match(reply) is { Success: true } match)
        {
            return match.Value;
        }

        return action == DsnAction.Failed ? "5.0.0" : "4.0.0";
    }

    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex EnhancedCode();
}
