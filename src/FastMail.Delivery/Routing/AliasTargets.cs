using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.Delivery.Routing;

/// <summary>
/// An alias with several targets stands in the envelope as one marker target ("@alias:" + address; no account name
/// starts with "@") until the end of DATA, when <see cref="Expand"/> replaces it by the alias's mailboxes and adds its
/// remote addresses as recipients for the queue (with ORCPT naming the address the client used, RFC 3461 4.2). Marking
/// costs one string per alias recipient; plain users, the hot path, cost nothing.
/// </summary>
internal static class AliasTargets
{
    private const string Prefix = "@alias:";

    public static string Marker(ReadOnlySpan<byte> localPart, ReadOnlySpan<byte> domain) =>
        string.Concat(Prefix, Encoding.UTF8.GetString(localPart), "@", Encoding.UTF8.GetString(domain)).ToLowerInvariant();

    public static bool IsMarker(string target) => target.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Replaces every marker target of <paramref name="envelope"/> by what its alias expands to now.</summary>
    public static void Expand(Envelope envelope, IDirectory directory, bool hasQueue)
    {
        var targets = envelope.Targets;
        for (var i = targets.Count - 1; i >= 0; i--)
        {
            var marker = targets[i];
            if (!IsMarker(marker))
            {
                continue;
            }

            envelope.RemoveTargetAt(i);
            var address = Encoding.UTF8.GetBytes(marker[Prefix.Length..]);
            MailAddressParser.Split(address, out var local, out var domain);

            // The accounts may have been reloaded since RCPT; an alias that vanished meanwhile delivers nowhere.
            if (!directory.TryExpandAlias(local, domain, out var expansion))
            {
                continue;
            }

            foreach (var mailbox in expansion.Mailboxes)
            {
                envelope.AddTarget(mailbox);
            }

            if (expansion.RemoteAddresses.Count > 0 && hasQueue)
            {
                AddRemote(envelope, marker, expansion.RemoteAddresses);
            }
        }
    }

    private static void AddRemote(Envelope envelope, string marker, IReadOnlyList<string> remoteAddresses)
    {
        // The parameters of the recipient that named the alias (NOTIFY, ORCPT) carry over; ORCPT is added when absent.
        string parameters = string.Empty;
        for (var r = 0; r < envelope.RecipientCount; r++)
        {
            var recipient = envelope[r];
            if (string.Equals(recipient.Mailbox, marker, StringComparison.Ordinal))
            {
                parameters = Encoding.UTF8.GetString(recipient.Parameters);
                if (!parameters.Contains("ORCPT=", StringComparison.OrdinalIgnoreCase))
                {
                    parameters = (parameters + " ORCPT=rfc822;" + Xtext.Encode(Encoding.UTF8.GetString(recipient.Address))).Trim();
                }

                break;
            }
        }

        foreach (var remote in remoteAddresses)
        {
            envelope.AddRecipient(Encoding.UTF8.GetBytes(remote), default, Encoding.UTF8.GetBytes(parameters), QueueMailbox.Name);
        }
    }
}
