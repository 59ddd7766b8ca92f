using FastMail.Core.Tls;

namespace FastMail.Hosting.Tls;

/// <summary>
/// The server certificate in force, swapped whole by a configuration reload (SIGHUP): every STARTTLS/STLS upgrade and
/// every implicit-TLS listener built after the swap uses the new one; a handshake already done keeps the old one.
/// </summary>
internal sealed class LiveTlsOptions(TlsServerOptions initial)
{
    private volatile TlsServerOptions _current = initial;

    public TlsServerOptions Current
    {
        get => _current;
        set => _current = value ?? throw new ArgumentNullException(nameof(value));
    }
}
