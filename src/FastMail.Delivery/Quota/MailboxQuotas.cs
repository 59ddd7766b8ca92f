using FastMail.Core.Services;

namespace FastMail.Delivery.Quota;

/// <summary>
/// Per-mailbox quota checks: two dictionary lookups, no allocation. The check is soft under concurrency: two sessions
/// may each see room and both commit, overshooting by at most one message each, as in Dovecot's default quota; the
/// next RCPT sees the mailbox full.
/// </summary>
internal sealed class MailboxQuotas(IDirectory directory, IMailStore store)
{
    /// <summary>True when the mailbox has a quota and already holds at least that much (RCPT time).</summary>
    public bool IsFull(string mailbox)
    {
        var quota = directory.GetQuota(mailbox);
        return IsLimited(quota) && store.GetMailboxUsage(mailbox) >= quota;
    }

    /// <summary>True when adding <paramref name="size"/> bytes would take the mailbox past its quota (end of DATA).</summary>
    public bool WouldExceed(string mailbox, long size, out long usage, out long quota)
    {
        quota = directory.GetQuota(mailbox);
        if (!IsLimited(quota))
        {
            usage = 0;
            return false;
        }

        usage = store.GetMailboxUsage(mailbox);
        return usage + size > quota;
    }

    // IDirectory.GetQuota: 0 or long.MaxValue means unlimited.
    // The queue mailbox (QueueMailbox.Name) is no account: GetQuota gives it none, as for any unknown name.
    private static bool IsLimited(long quota) => quota > 0 && quota != long.MaxValue;
}
