using System.IO.Pipelines;
using System.Net;

namespace FastMail.Core.Services;

/// <summary>A connection without TLS: what sessions run on when no certificate is configured, and in tests.</summary>
public sealed class PlainMailConnection(IDuplexPipe transport, IPEndPoint? remoteEndPoint, IPEndPoint? localEndPoint = null) : IMailConnection
{
    public IDuplexPipe Transport { get; } = transport;

    public IPEndPoint? RemoteEndPoint { get; } = remoteEndPoint;

    public IPEndPoint? LocalEndPoint { get; } = localEndPoint;

    public bool IsSecure => false;

    public bool CanStartTls => false;

    public string? TlsDescription => null;

    public ValueTask StartTlsAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("TLS is not available on this connection");
}
