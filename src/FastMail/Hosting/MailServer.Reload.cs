using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.Core.Tls;

namespace FastMail.Hosting;

/// <summary>The part of the server a configuration reload (SIGHUP, see Hosting/Reload) changes in place.</summary>
internal sealed partial class MailServer
{
    /// <summary>The accounts and the relay decision (<see cref="AccountDirectory.SetRelay"/>).</summary>
    internal AccountDirectory Directory => _directory ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>The certificate STARTTLS/STLS and the implicit-TLS listeners serve now.</summary>
    internal TlsServerOptions CurrentTls => Live.Tls.Current;

    private Reload.LiveSessions Live => _live ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>
    /// Applies the live-changeable parts of <paramref name="next"/> to new connections: session options (smtp.*, pop3.*
    /// limits and timeouts), listener limits (limits.*), and, when given, a new certificate. Sessions already running
    /// keep theirs.
    /// </summary>
    internal void ApplyLive(FastMailSettings next, TlsServerOptions? certificate)
    {
        Live.ApplySessions(next);
        if (certificate is not null)
        {
            Live.Tls.Current = certificate;
        }

        Live.ApplyListeners(next.Limits);
    }
}
