using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FastMail.Relay.Routing;

/// <summary>
/// The static routes of <c>relay.routes</c>: <c>example.org=127.0.0.1:2626,.example.net=[::1]:25,*=smarthost.example:587</c>.
/// A key is a domain matched exactly (case-insensitive), <c>.domain</c> for every subdomain of it (not the domain itself,
/// as in Postfix transport maps), or <c>*</c> for every remote domain. Lookup order: exact, then the longest matching
/// <c>.parent</c>, then <c>*</c>. The value is host[:port], port 25 by default; an IPv6 host is written in brackets.
/// </summary>
public sealed class RelayRoutes
{
    private readonly Dictionary<string, RelayRoute> _exact;
    private readonly Dictionary<string, RelayRoute> _subdomains;
    private readonly RelayRoute? _wildcard;

    private RelayRoutes(Dictionary<string, RelayRoute> exact, Dictionary<string, RelayRoute> subdomains, RelayRoute? wildcard)
    {
        _exact = exact;
        _subdomains = subdomains;
        _wildcard = wildcard;
    }

    /// <summary>No static routes: every domain goes to its MX.</summary>
    public static RelayRoutes Empty { get; } = new(new(StringComparer.OrdinalIgnoreCase), new(StringComparer.OrdinalIgnoreCase), null);

    /// <summary>True when no route is configured.</summary>
    public bool IsEmpty => _exact.Count == 0 && _subdomains.Count == 0 && _wildcard is null;

    /// <summary>Parses <c>relay.routes</c> without credentials. Null or blank text means no routes.</summary>
    /// <exception cref="FormatException">An entry is malformed; the message names it.</exception>
    public static RelayRoutes Parse(string? text) => Parse(text, null);

    /// <summary>
    /// Parses <c>relay.routes</c> and <c>relay.credentials</c> (<c>smarthost.example=user:password,...</c>, keyed by the
    /// route's host, case-insensitive; the password is everything after the first colon, so it may contain colons but not commas).
    /// </summary>
    /// <exception cref="FormatException">An entry of either text is malformed; the message names it.</exception>
    public static RelayRoutes Parse(string? routes, string? credentials)
    {
        var logins = ParseCredentials(credentials);
        var exact = new Dictionary<string, RelayRoute>(StringComparer.OrdinalIgnoreCase);
        var subdomains = new Dictionary<string, RelayRoute>(StringComparer.OrdinalIgnoreCase);
        RelayRoute? wildcard = null;
        foreach (var raw in Entries(routes))
        {
            var entry = raw.Trim();
            var equals = entry.IndexOf('=');
            if (equals <= 0 || equals == entry.Length - 1)
            {
                throw new FormatException($"relay.routes: entry '{entry}' is not domain=host[:port]");
            }

            var key = entry[..equals].Trim();
            var (host, port) = ParseHostPort(entry[(equals + 1)..].Trim(), entry);
            logins.TryGetValue(host, out var login);
            var route = new RelayRoute(host, port, login.User, login.Password);
            if (key == "*")
            {
                if (wildcard is not null)
                {
                    throw new FormatException($"relay.routes: entry '{entry}' repeats the '*' route");
                }

                wildcard = route;
                continue;
            }

            var subdomain = key.StartsWith('.');
            var domain = subdomain ? key[1..] : key;
            if (!IsDomainName(domain))
            {
                throw new FormatException($"relay.routes: entry '{entry}' has no valid domain before '='");
            }

            if (!(subdomain ? subdomains : exact).TryAdd(domain, route))
            {
                throw new FormatException($"relay.routes: entry '{entry}' repeats the route for '{key}'");
            }
        }

        return new RelayRoutes(exact, subdomains, wildcard);
    }

    /// <summary>Finds the static route for <paramref name="domain"/> (a trailing dot is ignored). An address literal
    /// (<c>[192.0.2.1]</c>) matches only the <c>*</c> route.</summary>
    public bool TryFind(string domain, out RelayRoute route)
    {
        var name = domain.TrimEnd('.');
        if (!name.StartsWith('['))
        {
            if (_exact.TryGetValue(name, out route!))
            {
                return true;
            }

            // Walk up the parents, longest first: a.b.example.org tries b.example.org, then example.org, then org.
            for (var dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1))
            {
                if (_subdomains.TryGetValue(name[(dot + 1)..], out route!))
                {
                    return true;
                }
            }
        }

        route = _wildcard!;
        return _wildcard is not null;
    }

    private static IEnumerable<string> Entries(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, (string? User, string? Password)> ParseCredentials(string? text)
    {
        var logins = new Dictionary<string, (string?, string?)>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in Entries(text))
        {
            var equals = entry.IndexOf('=');
            var colon = equals < 0 ? -1 : entry.IndexOf(':', equals + 1);
            if (equals <= 0 || colon < 0 || colon == equals + 1)
            {
                // The password is not echoed back: only the host part is safe to name.
                var host = equals > 0 ? entry[..equals].Trim() : "?";
                throw new FormatException($"relay.credentials: entry for '{host}' is not host=user:password");
            }

            var key = entry[..equals].Trim();
            if (key.StartsWith('[') && key.EndsWith(']'))
            {
                key = key[1..^1];
            }

            if (!logins.TryAdd(key, (entry[(equals + 1)..colon], entry[(colon + 1)..])))
            {
                throw new FormatException($"relay.credentials: entry for '{key}' is repeated");
            }
        }

        return logins;
    }

    private static (string Host, int Port) ParseHostPort(string value, string entry)
    {
        string host;
        string? portText = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            if (close < 0)
            {
                throw new FormatException($"relay.routes: entry '{entry}' has an unclosed '['");
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    throw new FormatException($"relay.routes: entry '{entry}' has text after ']' that is not :port");
                }

                portText = rest[1..];
            }

            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new FormatException($"relay.routes: entry '{entry}' has '[{host}]', which is not an IPv6 address");
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0 && value.IndexOf(':') != colon)
            {
                throw new FormatException($"relay.routes: entry '{entry}' has an IPv6 host without brackets");
            }

            host = colon < 0 ? value : value[..colon];
            portText = colon < 0 ? null : value[(colon + 1)..];
            if (!IsDomainName(host) && !IPAddress.TryParse(host, out _))
            {
                throw new FormatException($"relay.routes: entry '{entry}' has no valid host");
            }
        }

        var port = 25;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new FormatException($"relay.routes: entry '{entry}' has a port that is not 1-65535");
        }

        return (host, port);
    }

    // RFC 1035 2.3.1 letters, digits, hyphens, dots (underscores tolerated: they occur in real hostnames); labels of 1-63.
    private static bool IsDomainName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        var label = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (label == 0)
                {
                    return false;
                }

                label = 0;
                continue;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || ++label > 63)
            {
                return false;
            }
        }

        return label > 0;
    }
}
