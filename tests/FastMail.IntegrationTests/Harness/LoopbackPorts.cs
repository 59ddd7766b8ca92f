using System.Net;
using System.Net.Sockets;

namespace FastMail.IntegrationTests.Harness;

/// <summary>Loopback ports for the real peers the tests start (Postfix, Dovecot): a free one, and whether one answers yet.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port the OS just handed out and released (the peer binds it a moment later).</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>True once something accepts connections on <paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
