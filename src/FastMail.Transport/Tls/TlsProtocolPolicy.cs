using System.Net.Security;
using System.Security.Authentication;

namespace FastMail.Transport.Tls;

/// <summary>
/// TLS 1.2 and 1.3 only (RFC 8996 deprecates 1.0 and 1.1; RFC 8314 4.1 asks for 1.2 or later).
/// </summary>
internal static class TlsProtocolPolicy
{
    public const SslProtocols Allowed = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Left at its default (<see cref="SslProtocols.None"/>, "whatever the OS allows"), the options are set
    /// to TLS 1.2 and 1.3; asking for anything older is a configuration error. Also rejects options a
    /// handshake could never succeed with (no certificate of any kind).
    /// </summary>
    /// <exception cref="ArgumentException">The options allow an older protocol or carry no certificate.</exception>
    public static void Apply(SslServerAuthenticationOptions options)
    {
        // Writing the same value on every call is harmless if several connections share the options.
        if (options.EnabledSslProtocols == SslProtocols.None)
        {
            options.EnabledSslProtocols = Allowed;
        }
        else if ((options.EnabledSslProtocols & ~Allowed) != 0)
        {
            throw new ArgumentException($"Only TLS 1.2 and 1.3 may be enabled, not {options.EnabledSslProtocols}.", nameof(options));
        }

        if (options.ServerCertificate is null && options.ServerCertificateContext is null && options.ServerCertificateSelectionCallback is null)
        {
            throw new ArgumentException("The TLS options carry no server certificate.", nameof(options));
        }
    }
}
