using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace FastMail.Relay.Routing;

/// <summary>
/// Finds where to hand mail for a domain: a static route from <see cref="RelayRoutes"/> when one matches, otherwise
/// the domain's MX hosts (RFC 5321 5.1) looked up with DnsClient.
/// </summary>
/// <remarks>
/// AOT: DnsClient 1.8.0 is used only through <see cref="LookupClient"/>.<c>QueryAsync</c> and the typed record
/// accessors (<c>MxRecord</c>, <c>ARecord</c>, <c>AaaaRecord</c>); none of them reflects. The parts of DnsClient that
/// do (or might) are avoided: no <c>GetHostEntry</c>/<c>ResolveService</c> helpers, and the default constructor's
/// resolv.conf/NetworkInterface discovery is the only platform probing (when no DNS server is configured).
/// Caching is on (a queue run delivers many messages to the same domain; answers expire with their TTL) and failed
/// results are not cached, so a SERVFAIL is retried on the next queue run.
/// </remarks>
public sealed class NextHopResolver
{
    // A bound on the work one domain can cause: an MX set of hundreds of hosts is an attack, not a configuration.
    private const int MaxMxHosts = 10;
    private const int MaxHops = 20;
    private static readonly QueryType[] AddressTypes = [QueryType.A, QueryType.AAAA];

    private readonly RelayRoutes _routes;
    private readonly LookupClient _dns;
    private readonly int _smtpPort;

    /// <param name="routes">Static routes; <see cref="RelayRoutes.Empty"/> for MX only.</param>
    /// <param name="dnsServer">The DNS server to ask, or null for the system resolvers (/etc/resolv.conf).</param>
    /// <param name="dnsTimeout">Per query attempt; one retry follows a timeout.</param>
    /// <param name="smtpPort">The port of MX hosts and implicit MX (25; Postfix's smtp_tcp_port, for test networks).</param>
    public NextHopResolver(RelayRoutes routes, IPEndPoint? dnsServer, TimeSpan dnsTimeout, int smtpPort = 25)
    {
        _routes = routes;
        _smtpPort = smtpPort;
        var options = dnsServer is null ? new LookupClientOptions() : new LookupClientOptions(dnsServer);
        options.UseCache = true;
        options.CacheFailedResults = false;
        options.Timeout = dnsTimeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        // Several system resolvers: a SERVFAIL from one is worth asking the next; an empty answer is a real answer.
        options.ContinueOnDnsError = true;
        options.ContinueOnEmptyResponse = false;
        options.UseTcpFallback = true;
        _dns = new LookupClient(options);
    }

    /// <summary>Resolves <paramref name="domain"/> (a domain name or an address literal such as <c>[192.0.2.1]</c> or
    /// <c>[IPv6:2001:db8::1]</c>) to the ordered hops to try. Never throws for DNS trouble: that is a temporary failure.</summary>
    public async Task<NextHopResult> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var name = domain.Trim().TrimEnd('.');
        if (name.Length == 0)
        {
            return NextHopResult.Permanent("5.1.2 empty domain");
        }

        if (_routes.TryFind(name, out var route))
        {
            return await ResolveRouteAsync(route, cancellationToken);
        }

        if (name.StartsWith('['))
        {
            // RFC 5321 4.1.3: an address literal names the host itself; no DNS.
            return TryParseLiteral(name, out var literal)
                ? new NextHopResult([new NextHop(name, literal, _smtpPort, null, null)], false, null)
                : NextHopResult.Permanent($"5.1.2 bad address literal {name}");
        }

        var mx = await QueryAsync(name, QueryType.MX, cancellationToken);
        if (mx.Failure is not null)
        {
            return mx.Failure;
        }

        var records = mx.Response!.Answers.MxRecords().ToList();
        if (records.Count == 0)
        {
            // RFC 5321 5.1: no MX records, the domain itself is the implicit MX with preference 0.
            var implicitHops = new List<NextHop>();
            var failure = await AddAddressesAsync(name, _smtpPort, null, null, implicitHops, cancellationToken);
            if (implicitHops.Count > 0)
            {
                return new NextHopResult(implicitHops, false, null);
            }

            return failure ?? NextHopResult.Permanent($"5.4.4 {name} has no MX and no address records");
        }

        if (records.Count == 1 && IsRoot(records[0].Exchange.Value))
        {
            // RFC 7505 3: a null MX says the domain accepts no mail.
            return NextHopResult.Permanent($"5.1.10 {name} has a null MX (RFC 7505): it accepts no mail");
        }

        var hops = new List<NextHop>();
        NextHopResult? lastFailure = null;
        var temporary = false;
        foreach (var host in OrderByPreference(records).Take(MaxMxHosts))
        {
            var failure = await AddAddressesAsync(host, _smtpPort, null, null, hops, cancellationToken);
            if (failure is not null)
            {
                lastFailure = failure;
                temporary |= !failure.IsPermanentFailure;
            }

            if (hops.Count >= MaxHops)
            {
                break;
            }
        }

        if (hops.Count > 0)
        {
            return new NextHopResult(hops, false, null);
        }

        // No MX host resolved: a DNS hiccup on any of them is worth another try later; names that do not exist are not.
        return temporary
            ? NextHopResult.Temporary($"4.4.3 no address for the MX hosts of {name}: {lastFailure?.Failure}")
            : NextHopResult.Permanent($"5.4.4 no MX host of {name} has an address");
    }

    private async Task<NextHopResult> ResolveRouteAsync(RelayRoute route, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(route.Host, out var address))
        {
            return new NextHopResult([new NextHop(route.Host, address, route.Port, route.UserName, route.Password)], false, null);
        }

        var hops = new List<NextHop>();
        var failure = await AddAddressesAsync(route.Host, route.Port, route.UserName, route.Password, hops, cancellationToken);
        if (hops.Count > 0)
        {
            return new NextHopResult(hops, false, null);
        }

        // A configured relay host that does not resolve is our misconfiguration or its outage: never bounce for it.
        return NextHopResult.Temporary($"4.4.3 relay host {route.Host} does not resolve: {failure?.Failure ?? "no address records"}");
    }

    // IPv4 first, then IPv6: hosts without IPv6 connectivity (many containers) fail fast to the next address either way,
    // but IPv4 first keeps the first attempt the one most likely to work. Null when at least one address was found or the
    // name simply has none (NOERROR, empty); the failure otherwise.
    private async Task<NextHopResult?> AddAddressesAsync(string host, int port, string? user, string? password, List<NextHop> hops,
        CancellationToken cancellationToken)
    {
        NextHopResult? failure = null;
        foreach (var type in AddressTypes)
        {
            var result = await QueryAsync(host, type, cancellationToken);
            if (result.Failure is not null)
            {
                failure ??= result.Failure;
                if (result.Failure.IsPermanentFailure)
                {
                    break; // NXDOMAIN for A says the name does not exist: AAAA will not say otherwise.
                }

                continue;
            }

            foreach (var record in result.Response!.Answers)
            {
                var address = record switch
                {
                    ARecord a => a.Address,
                    AaaaRecord aaaa => aaaa.Address,
                    _ => null,
                };
                if (address is not null && hops.Count < MaxHops && !hops.Exists(h => h.Address.Equals(address) && h.Port == port))
                {
                    hops.Add(new NextHop(host, address, port, user, password));
                }
            }
        }

        return hops.Count > 0 ? null : failure;
    }

    private async Task<(IDnsQueryResponse? Response, NextHopResult? Failure)> QueryAsync(string name, QueryType type,
        CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _dns.QueryAsync(name, type, QueryClass.IN, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is DnsResponseException or SocketException or IOException or OperationCanceledException
                                      or TimeoutException or ArgumentException or InvalidOperationException)
        {
            // Timeouts, unreachable servers, unparsable answers: temporary (RFC 5321 4.5.4.1: retry later).
            return (null, NextHopResult.Temporary($"4.4.3 DNS {type} lookup for {name} failed: {e.Message}"));
        }

        if (!response.HasError)
        {
            return (response, null);
        }

        return response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain
            ? (null, NextHopResult.Permanent($"5.1.2 domain not found: {name}"))
            : (null, NextHopResult.Temporary($"4.4.3 DNS {type} lookup for {name} failed: {response.Header.ResponseCode}"));
    }

    // RFC 5321 5.1: lowest preference first; hosts of equal preference in random order to spread the load.
    private static IEnumerable<string> OrderByPreference(List<MxRecord> records)
    {
        var ordered = records
            .Where(r => !IsRoot(r.Exchange.Value))
            .Select(r => (r.Preference, Host: r.Exchange.Value.TrimEnd('.'), Shuffle: Random.Shared.Next()))
            .OrderBy(r => r.Preference)
            .ThenBy(r => r.Shuffle);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in ordered)
        {
            if (seen.Add(record.Host))
            {
                yield return record.Host;
            }
        }
    }

    private static bool IsRoot(string exchange) => exchange is "" or ".";

    private static bool TryParseLiteral(string literal, out IPAddress address)
    {
        address = IPAddress.None;
        if (!literal.EndsWith(']'))
        {
            return false;
        }

        var inner = literal[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[5..], out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return IPAddress.TryParse(inner, out address!) && address.AddressFamily == AddressFamily.InterNetwork
            && inner.Count(c => c == '.') == 3;
    }
}
