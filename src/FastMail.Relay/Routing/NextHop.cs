using System.Net;

namespace FastMail.Relay.Routing;

/// <summary>One address to try for a domain: the host's name (for logs and TLS SNI), one of its addresses, the port,
/// and the AUTH credentials when the hop is a smarthost that has them.</summary>
public readonly record struct NextHop(string Host, IPAddress Address, int Port, string? UserName, string? Password)
{
    /// <summary>Keeps the password out of logs and test output.</summary>
    public override string ToString() => $"{Host}[{Address}]:{Port}";
}

/// <summary>
/// The outcome of resolving a domain: the hops in the order to try them, or a failure. <paramref name="Failure"/> starts
/// with an enhanced status code (RFC 3463), e.g. <c>5.1.2 domain not found</c> or <c>4.4.3 DNS lookup failed</c>, ready
/// for a DSN's Status and Diagnostic-Code; <paramref name="IsPermanentFailure"/> says whether to bounce or retry later.
/// </summary>
public sealed record NextHopResult(IReadOnlyList<NextHop> Hops, bool IsPermanentFailure, string? Failure)
{
    internal static NextHopResult Permanent(string failure) => new([], true, failure);

    internal static NextHopResult Temporary(string failure) => new([], false, failure);
}
