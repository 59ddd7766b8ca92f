using System.IO.Pipelines;
using System.Net;
using FastMail.Core.Services;

namespace FastMail.Core.Protocol;

/// <summary>
/// Runs one protocol's sessions over the connections a listener hands in (SMTP, POP3). One per listener; thread-safe.
/// Per-connection state is pooled (<see cref="SessionPool{TSession}"/>), so steady-state sessions allocate nothing per command.
/// </summary>
public abstract class SessionHandler
{
    private protected SessionHandler()
    {
    }

    /// <summary>Serves one plaintext connection without TLS: <see cref="RunAsync(IMailConnection, CancellationToken)"/> over a <see cref="PlainMailConnection"/>.</summary>
    public Task RunAsync(IDuplexPipe connection, IPEndPoint? remote, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return RunAsync(new PlainMailConnection(connection, remote), shutdown);
    }

    /// <summary>
    /// Serves one connection from greeting to close (QUIT, hang-up, timeout, too many errors, or <paramref name="shutdown"/>,
    /// which ends a session waiting for a command with the protocol's closing reply). Offers STARTTLS/STLS when the
    /// connection <see cref="IMailConnection.CanStartTls"/>; after the handshake the session uses
    /// <see cref="IMailConnection.Transport"/> anew. Completes the pipes it last used; never throws for what a client does.
    /// </summary>
    public Task RunAsync(IMailConnection connection, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return RunSessionAsync(connection, shutdown);
    }

    private protected abstract Task RunSessionAsync(IMailConnection connection, CancellationToken shutdown);
}
