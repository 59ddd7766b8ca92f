using System.Net;

namespace FastMail.Core.Protocol;

/// <summary>Whether a client is on this machine, where a clear-text password never crosses a network (SMTP AUTH and POP3 USER/PASS alike).</summary>
internal static class LoopbackAddress
{
    /// <summary>True for 127.0.0.0/8, ::1 and their IPv4-mapped forms (::ffff:127.x.y.z, what dual-stack sockets report).</summary>
    public static bool Is(IPEndPoint? remote)
    {
        if (remote is null)
        {
            return false;
        }

        var address = remote.Address;
        return IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));
    }
}
