using System.Net;
using FastMail.Core.Services;
using FastMail.Delivery.Quota;

namespace FastMail.Delivery.Routing;

/// <summary>
/// Where one recipient goes: a local domain's user is a local mailbox (refused while at its quota), anything else is
/// remote, and a remote recipient is refused as long as there is no outbound queue: with 554 5.7.1 style wording when the
/// client may not relay at all (DESIGN contract 5: never an open relay), with the "relay unavailable" wording when it may.
/// </summary>
internal sealed class RecipientRouter(IDirectory directory, IRelayPolicy relayPolicy, MailboxQuotas quotas)
{
    public RecipientVerdict Resolve(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, IPAddress? client, string? authenticatedUser, out string? mailbox)
    {
        if (domain.IsEmpty || directory.IsLocalDomain(domain))
        {
            return ResolveLocal(localPart, out mailbox);
        }

        // The seam for outbound relay: a client that may relay gets its recipient queued here once the queue exists.
        mailbox = null;
        return relayPolicy.MayRelay(client, authenticatedUser) ? RecipientVerdict.RelayUnavailable : RecipientVerdict.RelayDenied;
    }

    private RecipientVerdict ResolveLocal(ReadOnlySpan<byte> localPart, out string? mailbox)
    {
        // The seam for aliases: an alias would expand here into local mailboxes and remote addresses.
        // RFC 5321 4.5.1: postmaster is accepted at every local domain, also without an account of that name.
        if (!directory.TryFindMailbox(localPart, out mailbox)
            && !(System.Text.Ascii.EqualsIgnoreCase(localPart, "postmaster"u8) && directory.TryFindPostmaster(out mailbox)))
        {
            return RecipientVerdict.UnknownUser;
        }

        // RFC 3463 4.2.2, temporary: the sender retries, and the mail gets in once the owner made room (e.g. POP3 DELE+QUIT).
        return quotas.IsFull(mailbox) ? RecipientVerdict.MailboxFull : RecipientVerdict.Local;
    }
}
