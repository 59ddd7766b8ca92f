using System.IO.Pipelines;
using System.Net;
using FastMail.Core.Services;
using FastMail.Hosting.Tls;
using FastMail.Transport;

namespace FastMail.Hosting;

/// <summary>Adapts the transport's connection to what sessions see: pipes, endpoints, TLS state and the STARTTLS hook.</summary>
/// <remarks>The certificate is read at the upgrade, not at accept: a reload between the two serves the new one.</remarks>
internal sealed class MailConnection(TransportConnection connection, LiveTlsOptions? tls) : IMailConnection
{
    private string? _tlsDescription;

    // TransportConnection's Input/Output switch to the decrypted pipes after an upgrade, so it is the transport itself.
    public IDuplexPipe Transport => connection;

    public IPEndPoint? RemoteEndPoint => connection.RemoteEndPoint;

    public IPEndPoint? LocalEndPoint => connection.LocalEndPoint;

    public bool IsSecure => connection.IsTls;

    public bool CanStartTls => tls is not null && !connection.IsTls;

    // Read for every Received header on a TLS session: formatted once, after the handshake.
    public string? TlsDescription => connection.IsTls ? _tlsDescription ??= $"{ProtocolName(connection.TlsProtocol)} {connection.TlsCipherSuite}" : null;

    public async ValueTask StartTlsAsync(CancellationToken cancellationToken)
    {
        if (tls is null)
        {
            throw new InvalidOperationException("no TLS certificate is configured");
        }

        await connection.UpgradeToTlsAsync(tls.Current.CreateAuthenticationOptions(), cancellationToken);
    }

    private static string ProtocolName(System.Security.Authentication.SslProtocols protocol) => protocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "TLSv1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };
}
