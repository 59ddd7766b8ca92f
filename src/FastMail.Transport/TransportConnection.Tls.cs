using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using FastMail.Transport.Diagnostics;
using FastMail.Transport.Tls;

namespace FastMail.Transport;

public sealed partial class TransportConnection
{
    private TlsDuplexPipe? _tls;

    /// <summary>True once a TLS session is established (implicit TLS, or after <see cref="UpgradeToTlsAsync"/>).</summary>
    public bool IsTls => _tls is not null;

    /// <summary>The negotiated TLS protocol; <see cref="SslProtocols.None"/> without TLS.</summary>
    public SslProtocols TlsProtocol => _tls?.Protocol ?? SslProtocols.None;

    /// <summary>The negotiated cipher suite; null without TLS.</summary>
    public TlsCipherSuite? TlsCipherSuite => _tls?.CipherSuite;

    /// <summary>
    /// STARTTLS (RFC 3207) / STLS (RFC 2595): runs the server handshake over this connection, after which
    /// <see cref="Input"/> and <see cref="Output"/> carry decrypted bytes and <see cref="IsTls"/> is true.
    /// The transport sends close_notify and closes the TLS session when the handler returns.
    /// The caller's contract is that of <see cref="TlsPipe.UpgradeAsync"/>: reply sent and flushed, and
    /// every byte buffered before the call consumed unexecuted. On failure the connection is unusable
    /// and the handler should return. The handshake is bounded by the listener's
    /// <see cref="ListenerOptions.HandshakeTimeout"/> as well as by <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">TLS is already on.</exception>
    /// <exception cref="AuthenticationException">The handshake failed (see <see cref="TlsPipe.UpgradeAsync"/>).</exception>
    /// <exception cref="IOException">The peer closed or reset the connection during the handshake.</exception>
    /// <exception cref="OperationCanceledException">The handshake timeout passed or <paramref name="cancellationToken"/> fired.</exception>
    public async Task UpgradeToTlsAsync(SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        if (_tls is not null)
        {
            throw new InvalidOperationException("TLS is already established on this connection.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_handshakeTimeout);
        _tls = await TlsPipe.UpgradeAsync(new PlaintextPipe(_input.Reader, _output.Writer), options, deadline.Token);
        _logger.TlsEstablished(_listenerName, Id, _tls.Protocol, _tls.CipherSuite);
    }

    /// <summary>Implicit TLS: false (logged at debug) when the client fails or does not finish the handshake in time.</summary>
    private async Task<bool> TryImplicitHandshakeAsync(SslServerAuthenticationOptions options, CancellationToken shutdown)
    {
        try
        {
            await UpgradeToTlsAsync(options, shutdown);
            return true;
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            _logger.TlsHandshakeTimedOut(_listenerName, Id, RemoteEndPoint);
        }
        catch (Exception exception)
        {
            // Whatever the client sent (plaintext, garbage, an old protocol, a reset), it costs the
            // client its connection and nothing else.
            _logger.TlsHandshakeFailed(_listenerName, Id, RemoteEndPoint, exception);
        }

        return false;
    }

    /// <summary>The socket-side pipes, whatever <see cref="Input"/> and <see cref="Output"/> point at now.</summary>
    private sealed class PlaintextPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
