using FastMail.Core.Diagnostics;
using FastMail.Core.Services;
using Microsoft.AspNetCore.Builder;

namespace FastMail.Web;

/// <summary>What the web endpoints use; built by the host's composition root.</summary>
/// <param name="Accounts">Login, admin flag, password change.</param>
/// <param name="Directory">Primary domain and local mailboxes.</param>
/// <param name="Store">Deletes: the POP3 mailbox lock is taken only for the commit.</param>
/// <param name="Browser">Listing and reading without the lock.</param>
/// <param name="Submission">Sending: local delivery or the outbound queue.</param>
/// <param name="Throttle">The login throttle SMTP and POP3 share; null when accounts.loginPenalty is off.</param>
public sealed record WebServices(
    IWebAccounts Accounts,
    IDirectory Directory,
    IMailStore Store,
    IMailboxBrowser Browser,
    IMailSubmission Submission,
    IAuthThrottle? Throttle)
{
    /// <summary>Called after the webmail endpoints are mapped: the admin pages map theirs here.</summary>
    public Action<WebApplication>? MapExtra { get; init; }

    /// <summary>Where failed web logins are counted; null: nobody collects them.</summary>
    public MailMetrics? Metrics { get; init; }
}
