using System.Net.Sockets;
using FastMail.Load.Protocol;

namespace FastMail.Load.Scenarios;

/// <summary>Maps an exception from a protocol step to the short key it is counted under.</summary>
internal static class Failure
{
    public static string KindOf(Exception exception) => exception switch
    {
        ProtocolException p => p.Kind,
        SocketException s => "socket-" + s.SocketErrorCode.ToString().ToLowerInvariant(),
        OperationCanceledException => "timeout",
        IOException => "io",
        _ => exception.GetType().Name,
    };
}
