using System.Net;
using System.Net.Security;

namespace FastMail.Transport;

/// <summary>
/// Settings of one listening socket (one per protocol port). A plain options object: the host
/// binds it from configuration; the transport reads it once in <see cref="SocketListener.Start"/>. A record, so the
/// listeners that share limits are copies of one: <c>limits with { Name = ..., EndPoint = ... }</c>.
/// </summary>
public sealed record ListenerOptions
{
    /// <summary>
    /// Where to listen. Default 127.0.0.1:0. Port 0 lets the OS pick a free port; read it back from
    /// <see cref="SocketListener.LocalEndPoint"/>. IPv4 loopback and <see cref="IPAddress.Any"/> are supported.
    /// </summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Short name used in logs ("smtp", "pop3"). Default "tcp". The transport gives it no meaning.</summary>
    public string Name { get; set; } = "tcp";

    /// <summary>
    /// Connections served at once by this listener. Default 1000. Each costs two pipes and two socket
    /// event args but no receive buffer while idle; past the limit a connection gets <see cref="BusyReply"/>.
    /// Higher serves more clients at once, lower bounds memory and file descriptors.
    /// </summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>
    /// Connections served at once from one remote IP address. Default 20. Keeps one host (or a
    /// misbehaving client) from taking every slot; a NAT gateway with many users may need more.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = 20;

    /// <summary>
    /// Bytes written to a connection refused for a limit, before it is closed; the handler is never
    /// called for it. Default empty (the connection is just closed). The transport does not know the
    /// protocol: the host passes e.g. "421 4.7.0 Too many connections\r\n" (RFC 5321 3.8) for SMTP or
    /// "-ERR [SYS/TEMP] Too many connections\r\n" (RFC 2449 8.1.2) for POP3.
    /// </summary>
    public ReadOnlyMemory<byte> BusyReply { get; set; }

    /// <summary>
    /// Bytes received but not yet consumed by the handler above which the transport stops reading
    /// from the socket (backpressure: TCP flow control then slows the client). Default 1 MiB; reading
    /// resumes below half of it. Larger absorbs bursts with fewer pauses, smaller bounds memory per
    /// connection. 0 disables the limit (not recommended for untrusted clients).
    /// </summary>
    public long MaxReadBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes written by the handler but not yet sent above which the handler's
    /// <c>PipeWriter.FlushAsync</c> waits until the socket drains below half of it. Default 1 MiB.
    /// Larger lets a handler run ahead of a slow client, smaller bounds memory per connection.
    /// 0 disables the limit.
    /// </summary>
    public long MaxWriteBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Length of the kernel's queue of connections not yet accepted. Default 512. Larger absorbs
    /// connection bursts; the kernel caps it (net.core.somaxconn).
    /// </summary>
    public int Backlog { get; set; } = 512;

    /// <summary>
    /// How long the transport keeps sending what the handler wrote after the handler returned,
    /// before it aborts the connection. Default 5 s. Guards against a client that stops reading and
    /// would otherwise hold a connection slot forever; longer is kinder to very slow links.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Implicit TLS (SMTPS on 465, RFC 8314 3.3; POP3S on 995): when set, every connection completes a
    /// TLS handshake before its handler runs, and the handler's <see cref="TransportConnection.Input"/> and
    /// <see cref="TransportConnection.Output"/> carry decrypted bytes. Default null: plaintext (STARTTLS,
    /// if any, is the session's business). <see cref="SslServerAuthenticationOptions.EnabledSslProtocols"/>
    /// left at its default becomes TLS 1.2 | 1.3; older protocols are refused at <see cref="SocketListener.Start"/>.
    /// On a TLS listener a refused connection is closed without <see cref="BusyReply"/>: plaintext would
    /// be garbage to a client expecting a ServerHello, and a handshake per refusal would feed the flood.
    /// </summary>
    public SslServerAuthenticationOptions? Tls { get; set; }

    /// <summary>
    /// How long a client has to complete its TLS handshake: with implicit TLS the connection is then
    /// closed and the handler is never called for it; after STARTTLS/STLS
    /// (<see cref="TransportConnection.UpgradeToTlsAsync"/>) the upgrade throws. Default 10 s. Shorter frees slots held by clients that
    /// connect and say nothing; longer is kinder to very slow links. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// New connections accepted per remote IP address per minute (a token bucket: a burst of this many,
    /// refilled evenly over the minute). Default 120. Past it a connection gets <see cref="BusyReply"/> and
    /// is closed before any handler runs. Slows a host that reconnects in a loop (dictionary attacks,
    /// broken clients); a busy relay host or a NAT gateway may need more. 0 turns the limit off.
    /// Loopback is not exempt.
    /// </summary>
    public int MaxConnectionRatePerIp { get; set; } = 120;

    /// <summary>The clock of the rate limit; tests replace it to step through a minute instantly.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>A private copy, so changing the options after Start changes nothing.</summary>
    internal ListenerOptions Snapshot() => (ListenerOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(EndPoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerIp, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxReadBufferSize);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxWriteBufferSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(Backlog, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxConnectionRatePerIp);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (HandshakeTimeout <= TimeSpan.Zero && HandshakeTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "Must be positive, or infinite.");
        }

        if (Tls is not null)
        {
            global::FastMail.Transport.Tls.TlsProtocolPolicy.Apply(Tls);
        }

        if (CloseTimeout < TimeSpan.Zero && CloseTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(CloseTimeout), CloseTimeout, "Must be zero or more, or infinite.");
        }
    }
}
