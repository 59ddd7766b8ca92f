using System.Net;
using FastMail.Core.Services;
using FastMail.Delivery.Quota;

namespace FastMail.Delivery.Routing;

/// <summary>
/// Where one recipient goes: a local domain's user is a local mailbox (refused while at its quota), anything else is
/// remote. A remote recipient of a client that may relay goes to the outbound queue (its target is the queue mailbox);
/// one that may not is refused (DESIGN contract 5: never an open relay); without a queue (<paramref name="hasQueue"/>
/// false: tests and tools that host sessions without one) it gets the "relay unavailable" reply.
/// </summary>
internal sealed class RecipientRouter(IDirectory directory, IRelayPolicy relayPolicy, MailboxQuotas quotas, bool hasQueue)
{
    public RecipientVerdict Resolve(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, IPAddress? client, string? authenticatedUser, out string? mailbox)
    {
        if (domain.IsEmpty || directory.IsLocalDomain(domain))
        {
            return ResolveLocal(localPart, domain, out mailbox);
        }

        if (!relayPolicy.MayRelay(client, authenticatedUser))
        {
            mailbox = null;
            return RecipientVerdict.RelayDenied;
        }

        mailbox = hasQueue ? QueueMailbox.Name : null;
        return hasQueue ? RecipientVerdict.Local : RecipientVerdict.RelayUnavailable;
    }

    private RecipientVerdict ResolveLocal(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain, out string? mailbox)
    {
        // An alias (exact address, or the domain's catch-all when no user has the name) first: its expansion is taken up
        // at the end of DATA (AliasTargets), where each of its mailboxes gets the quota check and its remote addresses
        // join the envelope for the queue. One local mailbox and nothing remote is simply that mailbox.
        if (directory.TryExpandAlias(localPart, domain, out var expansion))
        {
            if (expansion.Mailboxes.Count == 1 && expansion.RemoteAddresses.Count == 0)
            {
                mailbox = expansion.Mailboxes[0];
                return quotas.IsFull(mailbox) ? RecipientVerdict.MailboxFull : RecipientVerdict.Local;
            }

            if (expansion.RemoteAddresses.Count > 0 && !hasQueue)
            {
                mailbox = null;
                return RecipientVerdict.RelayUnavailable;
            }

            mailbox = AliasTargets.Marker(localPart, domain);
            return RecipientVerdict.Local;
        }

        // RFC 5321 4.5.1: postmaster is accepted at every local domain, also without an account of that name.
        if (!directory.TryFindMailbox(localPart, domain, out mailbox)
            && !(System.Text.Ascii.EqualsIgnoreCase(localPart, "postmaster"u8) && directory.TryFindPostmaster(out mailbox)))
        {
            return RecipientVerdict.UnknownUser;
        }

        // RFC 3463 4.2.2, temporary: the sender retries, and the mail gets in once the owner made room (e.g. POP3 DELE+QUIT).
        return quotas.IsFull(mailbox) ? RecipientVerdict.MailboxFull : RecipientVerdict.Local;
    }
}
