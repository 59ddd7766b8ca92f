using System.Net;
using System.Net.Sockets;

namespace FastMail.Accounts.Throttling;

/// <summary>How clients and accounts are counted.</summary>
internal static class ThrottleKeys
{
    /// <summary>
    /// An address as a 128-bit key. IPv4 and IPv4-mapped IPv6 count as the IPv4 address; native IPv6 counts per /64,
    /// since one host usually holds a whole /64 and could otherwise rotate through addresses to dodge the penalty.
    /// </summary>
    public static UInt128 Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes.Clear();
            bytes[10] = 0xFF;
            bytes[11] = 0xFF;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>
    /// The account part of a login name: "name@domain" and "name" are one account, in any case (the comparer ignores case).
    /// Unknown names are tracked the same way as real ones, so the throttle never reveals which accounts exist.
    /// </summary>
    public static string Of(string account)
    {
        var at = account.LastIndexOf('@');
        var name = at >= 0 ? account[..at] : account;
        return name.Length > 320 ? name[..320] : name;
    }
}
