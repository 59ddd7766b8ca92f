using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FastMail.Core.Tls;

/// <summary>
/// The server side of TLS for SMTP (STARTTLS, RFC 3207; implicit TLS on 465, RFC 8314) and POP3 (STLS, RFC 2595; 995).
/// Holds one <see cref="SslStreamCertificateContext"/> (chain built once, offline) and hands out fresh options per connection.
/// </summary>
public sealed class TlsServerOptions
{
    /// <summary>TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1; RFC 8314 section 4.1 wants 1.2 or later).</summary>
#pragma warning disable CA5398 // the point of this class is to pin the protocol floor; the OS default could allow less on old systems
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;
#pragma warning restore CA5398

    private readonly SslStreamCertificateContext _context;

    public TlsServerOptions(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The TLS server certificate has no private key.", nameof(certificate));
        }

        Certificate = certificate;
        _context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// Options for one <see cref="SslStream.AuthenticateAsServerAsync(SslServerAuthenticationOptions, CancellationToken)"/>:
    /// TLS 1.2/1.3, no client certificate, no renegotiation (a client-triggered CPU sink with no use in mail).
    /// </summary>
    public SslServerAuthenticationOptions CreateAuthenticationOptions() => new()
    {
        ServerCertificateContext = _context,
        EnabledSslProtocols = Protocols,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        AllowRenegotiation = false,
    };
}
