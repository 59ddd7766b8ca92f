using System.Text;

namespace FastMail.Core.Sasl;

/// <summary>RFC 4616 PLAIN: message = [authzid] NUL authcid NUL passwd.</summary>
public sealed partial class SaslServer
{
    private async ValueTask<SaslStep> PlainAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var span = message.Span;
        var first = span.IndexOf((byte)0);
        var second = first < 0 ? -1 : span[(first + 1)..].IndexOf((byte)0);
        if (second < 0)
        {
            return Complete(SaslStatus.MalformedInput);
        }

        second += first + 1;
        var authzid = span[..first];
        var authcid = message[(first + 1)..second];
        var password = message[(second + 1)..];
        if (authcid.IsEmpty || password.IsEmpty || password.Span.IndexOf((byte)0) >= 0)
        {
            return Complete(SaslStatus.MalformedInput); // RFC 4616 section 2: authcid and passwd are 1*SAFE, no NUL
        }

        // RFC 4616 section 2: an authzid other than the authcid asks to act as someone else; FastMail has no proxy rights.
        if (!authzid.IsEmpty && !Ascii.EqualsIgnoreCase(authzid, authcid.Span))
        {
            return Complete(SaslStatus.Failed);
        }

        var mailbox = await _factory.Credentials.AuthenticateAsync(authcid, password, cancellationToken).ConfigureAwait(false);
        return mailbox is null ? Complete(SaslStatus.Failed) : Complete(SaslStatus.Succeeded, mailbox);
    }
}
