using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using Microsoft.Extensions.Logging;

namespace FastMail.Migration;

/// <summary>
/// What import and export work with, the same in both hosts: the running server's accounts, store and delivery step
/// (through the admin socket), or the ones `fastmail import/export` opens itself when no server runs.
/// </summary>
internal sealed record MigrationServices(IDirectory Directory, IMailStore Store, IMailboxBrowser Browser, IMailDelivery Delivery, ILogger Logger)
{
    /// <summary>The mailbox of <paramref name="user"/> ("name" or "name@local.domain"); unknown users are an error.</summary>
    public (string Mailbox, string Address) ResolveUser(string user)
    {
        var bytes = Encoding.UTF8.GetBytes(user);
        MailAddressParser.Split(bytes, out var local, out var domain);
        if (local.IsEmpty || !Directory.TryFindMailbox(local, domain, out var mailbox))
        {
            throw new MigrationException($"unknown user '{user}'");
        }

        return (mailbox, domain.IsEmpty ? $"{mailbox}@{Directory.PrimaryDomain}" : user);
    }
}
