using System.Net.Sockets;

namespace FastMail.Transport.Sockets;

/// <summary>
/// Outcome of one socket operation. Errors are values, not exceptions: a peer reset is an ordinary
/// event for a server and must not cost a throw.
/// </summary>
internal readonly struct SocketOperationResult(int bytesTransferred, SocketError error)
{
    public int BytesTransferred { get; } = bytesTransferred;

    public SocketError Error { get; } = error;

    public bool IsSuccess => Error == SocketError.Success;
}
