using System.IO.Pipelines;
using System.Net.Security;

namespace FastMail.Transport.Tls;

/// <summary>
/// Starts TLS as the server over a connection's plaintext pipes: STARTTLS (RFC 3207), STLS
/// (RFC 2595 4), and the implicit TLS of SMTPS/POP3S (RFC 8314 3.3), which the listener does itself.
/// </summary>
public static class TlsPipe
{
    /// <summary>
    /// Runs the server handshake over <paramref name="plaintext"/> and returns the decrypted pipes.
    /// </summary>
    /// <remarks>
    /// Contract for STARTTLS/STLS: before calling, the session sends its "ready" reply, and advances
    /// its reader past everything it has buffered, unexecuted. Bytes a client pipelined after the
    /// STARTTLS command are not part of the TLS session and must never be acted upon (RFC 3207 4.2,
    /// the CVE-2011-0411 command injection). Whatever is still unread in <paramref name="plaintext"/> when
    /// this is called is fed to the handshake as the ClientHello: plaintext there is not a TLS record,
    /// so the handshake fails and the caller closes the connection; it can never come out of
    /// <see cref="TlsDuplexPipe.Input"/>. No read of <paramref name="plaintext"/> may be pending.
    /// After the call (success or failure) the plaintext pipes belong to the TLS layer: do not read or
    /// write them directly again.
    /// <para>The handshake ends when <paramref name="cancellationToken"/> fires; pass one with a timeout,
    /// or a client that never speaks holds the connection.</para>
    /// <para>Protocols: <see cref="SslServerAuthenticationOptions.EnabledSslProtocols"/> left at its default
    /// is set to TLS 1.2 | 1.3 on <paramref name="options"/> itself; anything older is refused.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The options allow TLS older than 1.2 or carry no certificate.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The handshake failed (not TLS, no common protocol or cipher, bad alert).</exception>
    /// <exception cref="IOException">The peer closed or reset the connection during the handshake.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public static async Task<TlsDuplexPipe> UpgradeAsync(IDuplexPipe plaintext, SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(options);
        TlsProtocolPolicy.Apply(options);

        var transport = new DuplexPipeStream(plaintext.Input, plaintext.Output);
        var ssl = new SslStream(transport, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, cancellationToken);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }

        return new TlsDuplexPipe(ssl, transport);
    }
}
