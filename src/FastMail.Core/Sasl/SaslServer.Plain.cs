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
        var authcid = message[(first + 1)..second];
        var password = message[(second + 1)..];
        if (authcid.IsEmpty || password.IsEmpty || password.Span.IndexOf((byte)0) >= 0)
        {
            return Complete(SaslStatus.MalformedInput); // RFC 4616 section 2: authcid and passwd are 1*SAFE, no NUL
        }

        var authorize = message[..first];
        var mailbox = await _factory.Credentials.AuthenticateAsync(authcid, password, cancellationToken).ConfigureAwait(false);

        // RFC 4616 section 2: an authzid asks to act as that identity. FastMail has no proxy rights, so it may only name
        // the same account, in any form ("alice@example.org" for "alice", as some phones send); checked after the
        // password, so a wrong one looks like a wrong password.
        if (mailbox is null || (!authorize.IsEmpty && !_factory.Credentials.IsLoginOf(authorize.Span, mailbox)))
        {
            return Complete(SaslStatus.Failed);
        }

        return Complete(SaslStatus.Succeeded, mailbox);
    }
}
