using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FastMail.Core.Tls;
using FastMail.Hosting.Tls;

namespace FastMail.Tests.Hosting.Tls;

/// <summary>A real TLS handshake over a loopback TCP connection, server options from <see cref="TlsServerOptions"/>.</summary>
internal static class LoopbackTls
{
    /// <summary>
    /// Connects, handshakes with a client limited to <paramref name="clientProtocols"/> that trusts exactly
    /// <paramref name="certificate"/> (by thumbprint), echoes one message, and returns the negotiated protocol.
    /// </summary>
    public static async Task<SslProtocols> HandshakeAsync(X509Certificate2 certificate, SslProtocols clientProtocols, string targetHost = "localhost")
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient();
        var connect = client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).AsTask();
        using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
        await connect;

        await using var server = new SslStream(accepted.GetStream());
        await using var tlsClient = new SslStream(client.GetStream());
        var options = new TlsServerOptions(certificate);
        var serverHandshake = server.AuthenticateAsServerAsync(options.CreateAuthenticationOptions(), timeout.Token);
        var clientHandshake = tlsClient.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                EnabledSslProtocols = clientProtocols,
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && presented.GetCertHashString() == certificate.Thumbprint,
            },
            timeout.Token);
        try
        {
            await Task.WhenAll(serverHandshake, clientHandshake);
        }
        finally
        {
            // On failure, close both ends so the other side's handshake ends too.
            if (!serverHandshake.IsCompletedSuccessfully || !clientHandshake.IsCompletedSuccessfully)
            {
                accepted.Close();
                client.Close();
            }
        }

        await tlsClient.WriteAsync("EHLO x\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[8];
        await server.ReadExactlyAsync(buffer, timeout.Token);
        Assert.Equal("EHLO x\r\n"u8.ToArray(), buffer);
        Assert.Equal(server.SslProtocol, tlsClient.SslProtocol);
        return server.SslProtocol;
    }
}
