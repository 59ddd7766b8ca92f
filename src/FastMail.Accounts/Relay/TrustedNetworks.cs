using System.Net;
using System.Net.Sockets;

namespace FastMail.Accounts.Relay;

/// <summary>A parsed list of CIDR networks (IPv4 and IPv6) that a client address is matched against.</summary>
internal sealed class TrustedNetworks
{
    private readonly IPNetwork[] _networks;

    private TrustedNetworks(IPNetwork[] networks) => _networks = networks;

    public int Count => _networks.Length;

    /// <summary>
    /// Parses "a.b.c.d/n", "x::y/n" or a bare address (a /32 or /128 network). Throws <see cref="ArgumentException"/>
    /// naming the bad entry: a typo in a trust list must stop the server, not silently trust nobody or everybody.
    /// </summary>
    public static TrustedNetworks Parse(IReadOnlyList<string> entries)
    {
        var networks = new IPNetwork[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i]?.Trim() ?? "";
            if (IPNetwork.TryParse(entry, out var network))
            {
                // Host bits after the prefix are masked off ("192.168.1.7/24" is 192.168.1.0/24).
                networks[i] = AsIPv4IfMapped(network);
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                networks[i] = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            }
            else
            {
                throw new ArgumentException(
                    $"accounts: TrustedNetworks entry '{entries[i]}' is not a CIDR network (e.g. 127.0.0.0/8, 192.168.1.0/24, ::1/128).");
            }
        }

        return new TrustedNetworks(networks);
    }

    /// <summary>"::ffff:10.0.0.0/104" is written as 10.0.0.0/8, because clients are matched as IPv4 too.</summary>
    private static IPNetwork AsIPv4IfMapped(IPNetwork network) =>
        network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;

    /// <summary>True when <paramref name="remote"/> lies in one of the networks; IPv4-mapped IPv6 is matched as IPv4.</summary>
    public bool Contains(IPAddress remote)
    {
        if (remote.IsIPv4MappedToIPv6)
        {
            // A dual-stack socket reports 127.0.0.1 as ::ffff:127.0.0.1; trust lists are written in IPv4.
            remote = remote.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(remote))
            {
                return true;
            }
        }

        return false;
    }
}
