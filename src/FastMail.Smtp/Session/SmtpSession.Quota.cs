using FastMail.Smtp.Logging;

namespace FastMail.Smtp.Session;

/// <summary>Quotas at the end of DATA (issue 3), once the message size is known.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// Removes from the transaction every mailbox the message would take past its quota. True when some remain: the
    /// message goes to them only and the reply is 250, because SMTP has one reply per DATA and per-recipient status
    /// after DATA needs LMTP (RFC 2033); the dropped recipients were logged. False when none remain (552 5.2.2).
    /// </summary>
    private bool DropRecipientsOverQuota()
    {
        var size = _message?.Length ?? _messageSize;
        for (var i = _mailboxes.Count - 1; i >= 0; i--)
        {
            var mailbox = _mailboxes[i];
            if (Quotas.WouldExceed(_context.Directory, _context.Store, mailbox, size, out var usage, out var quota))
            {
                SmtpLog.OverQuota(_context.Logger, _queueId, _remote, mailbox, usage, size, quota);
                _mailboxes.RemoveAt(i);
            }
        }

        return _mailboxes.Count > 0;
    }
}
