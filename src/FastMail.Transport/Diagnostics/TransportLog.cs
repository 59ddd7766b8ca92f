using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace FastMail.Transport.Diagnostics;

/// <summary>
/// Every log line of the transport, source-generated (AOT-safe, no cost when the level is off).
/// Event ids 1000-1099 are the transport's; they are stable, so alerts can key on them.
/// </summary>
internal static partial class TransportLog
{
    [LoggerMessage(1000, LogLevel.Information, "{Listener} listening on {EndPoint}")]
    public static partial void ListenerStarted(this ILogger logger, string listener, IPEndPoint endPoint);

    [LoggerMessage(1001, LogLevel.Information, "{Listener} stopped accepting; waiting for {Count} connections")]
    public static partial void ListenerStopping(this ILogger logger, string listener, int count);

    [LoggerMessage(1002, LogLevel.Information, "{Listener} stopped")]
    public static partial void ListenerStopped(this ILogger logger, string listener);

    [LoggerMessage(1003, LogLevel.Warning, "{Listener} accept failed ({Error}); retrying")]
    public static partial void AcceptFailed(this ILogger logger, string listener, SocketError error);

    [LoggerMessage(1004, LogLevel.Debug, "{Listener} connection {ConnectionId} from {RemoteEndPoint} accepted")]
    public static partial void ConnectionAccepted(this ILogger logger, string listener, long connectionId, IPEndPoint? remoteEndPoint);

    [LoggerMessage(1005, LogLevel.Information, "{Listener} refused {RemoteEndPoint}: {Limit} reached")]
    public static partial void ConnectionRefused(this ILogger logger, string listener, IPEndPoint? remoteEndPoint, string limit);

    [LoggerMessage(1006, LogLevel.Debug, "{Listener} connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(this ILogger logger, string listener, long connectionId);

    [LoggerMessage(1007, LogLevel.Debug, "{Listener} connection {ConnectionId} {Direction} ended with socket error {Error}")]
    public static partial void SocketFailed(this ILogger logger, string listener, long connectionId, string direction, SocketError error);

    [LoggerMessage(1008, LogLevel.Debug, "{Listener} connection {ConnectionId} {Direction} ended with an exception")]
    public static partial void LoopFailed(this ILogger logger, string listener, long connectionId, string direction, Exception exception);

    [LoggerMessage(1009, LogLevel.Error, "{Listener} connection {ConnectionId} handler failed; closing the connection")]
    public static partial void HandlerFailed(this ILogger logger, string listener, long connectionId, Exception exception);

    [LoggerMessage(1010, LogLevel.Warning, "{Listener} aborting {Count} connections still open after the grace period")]
    public static partial void AbortingConnections(this ILogger logger, string listener, int count);

    [LoggerMessage(1011, LogLevel.Warning, "{Listener} {Count} handlers still running after their connections were aborted")]
    public static partial void HandlersStillRunning(this ILogger logger, string listener, int count);

    [LoggerMessage(1012, LogLevel.Debug, "{Listener} connection {ConnectionId} did not drain its output within the close timeout; aborting")]
    public static partial void CloseTimedOut(this ILogger logger, string listener, long connectionId);

    [LoggerMessage(1013, LogLevel.Debug, "{Listener} could not send the busy reply to {RemoteEndPoint}")]
    public static partial void BusyReplyFailed(this ILogger logger, string listener, IPEndPoint? remoteEndPoint, Exception exception);

    [LoggerMessage(1014, LogLevel.Error, "{Listener} accept loop failed; no longer accepting")]
    public static partial void AcceptLoopFailed(this ILogger logger, string listener, Exception exception);

    [LoggerMessage(1015, LogLevel.Debug, "{Listener} connection {ConnectionId} TLS established: {Protocol} {CipherSuite}")]
    public static partial void TlsEstablished(this ILogger logger, string listener, long connectionId, SslProtocols protocol, TlsCipherSuite cipherSuite);

    [LoggerMessage(1016, LogLevel.Debug, "{Listener} connection {ConnectionId} from {RemoteEndPoint} failed the TLS handshake; closing")]
    public static partial void TlsHandshakeFailed(this ILogger logger, string listener, long connectionId, IPEndPoint? remoteEndPoint, Exception exception);

    [LoggerMessage(1017, LogLevel.Debug, "{Listener} connection {ConnectionId} from {RemoteEndPoint} did not complete the TLS handshake in time; closing")]
    public static partial void TlsHandshakeTimedOut(this ILogger logger, string listener, long connectionId, IPEndPoint? remoteEndPoint);

    [LoggerMessage(1018, LogLevel.Debug, "{Listener} connection {ConnectionId} TLS stream broken by the peer (corrupt record, alert or reset); input ended")]
    public static partial void TlsStreamBroken(this ILogger logger, string listener, long connectionId, Exception exception);
}
