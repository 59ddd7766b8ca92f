using System.IO.Pipelines;
using System.Net;

namespace FastMail.Core.Services;

/// <summary>
/// A client connection as a protocol session sees it: its current pipes, who is at the other end, whether it is
/// encrypted, and the STARTTLS/STLS hook. The host adapts the transport's connection to it; tests use
/// <see cref="PlainMailConnection"/> or their own implementation over in-memory pipes.
/// </summary>
public interface IMailConnection
{
    /// <summary>The pipes to read and write; after <see cref="StartTlsAsync"/> they are the decrypted ones, so re-read this property.</summary>
    IDuplexPipe Transport { get; }

    IPEndPoint? RemoteEndPoint { get; }

    IPEndPoint? LocalEndPoint { get; }

    /// <summary>True once the connection is encrypted (implicit TLS, or after <see cref="StartTlsAsync"/>).</summary>
    bool IsSecure { get; }

    /// <summary>True when a certificate is configured and the connection is not yet encrypted: STARTTLS/STLS may be offered.</summary>
    bool CanStartTls { get; }

    /// <summary>The negotiated protocol and cipher ("TLSv1.3 TLS_AES_256_GCM_SHA384"), for Received headers and logs; null in plaintext.</summary>
    string? TlsDescription { get; }

    /// <summary>
    /// Runs the server TLS handshake (RFC 3207 / RFC 2595). The caller must first send and flush its "ready" reply and
    /// consume every input byte already buffered without acting on it (RFC 3207 4.2; the CVE-2011-0411 class), and must
    /// have no read pending. Throws on handshake failure or cancellation; the session then closes the connection.
    /// </summary>
    ValueTask StartTlsAsync(CancellationToken cancellationToken);
}
