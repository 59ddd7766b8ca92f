using System.Net;
using FastMail.Relay.Routing;
using FastMail.Testing.Relay;

namespace FastMail.Tests.Relay.Routing;

public sealed class NextHopResolverTests : IAsyncLifetime
{
    private readonly TestDnsServer _dns = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _dns.DisposeAsync().AsTask();

    private NextHopResolver Resolver(string? routes = null, string? credentials = null) =>
        new(RelayRoutes.Parse(routes, credentials), _dns.EndPoint, TimeSpan.FromMilliseconds(400));

    private static Task<NextHopResult> Resolve(NextHopResolver resolver, string domain) =>
        resolver.ResolveAsync(domain, CancellationToken.None);

    [Fact]
    public async Task MxHostsComeInPreferenceOrderWithTheirAddresses()
    {
        _dns.AddMx("example.org", 20, "mx2.example.org").AddMx("example.org", 10, "mx1.example.org")
            .AddAddress("mx1.example.org", "192.0.2.1").AddAddress("mx1.example.org", "2001:db8::1")
            .AddAddress("mx2.example.org", "192.0.2.2");

        var result = await Resolve(Resolver(), "example.org");

        Assert.Null(result.Failure);
        Assert.Equal(
            ["mx1.example.org 192.0.2.1:25", "mx1.example.org 2001:db8::1:25", "mx2.example.org 192.0.2.2:25"],
            result.Hops.Select(h => $"{h.Host} {h.Address}:{h.Port}"));
    }

    [Fact]
    public async Task EqualPreferencesAreShuffledButStayAheadOfHigherOnes()
    {
        _dns.AddMx("example.org", 5, "a.example.org").AddMx("example.org", 5, "b.example.org").AddMx("example.org", 9, "c.example.org")
            .AddAddress("a.example.org", "192.0.2.1").AddAddress("b.example.org", "192.0.2.2").AddAddress("c.example.org", "192.0.2.3");
        var firsts = new HashSet<string>();

        for (var i = 0; i < 40 && firsts.Count < 2; i++)
        {
            // A fresh resolver each time: the order is drawn per lookup, the cache would not matter but keep it honest.
            var result = await Resolve(Resolver(), "example.org");
            Assert.Equal("c.example.org", result.Hops[2].Host);
            firsts.Add(result.Hops[0].Host);
        }

        Assert.Equal(["a.example.org", "b.example.org"], firsts.Order());
    }

    [Fact]
    public async Task DomainWithoutMxIsItsOwnImplicitMx()
    {
        _dns.AddAddress("plain.example", "192.0.2.7");

        var result = await Resolve(Resolver(), "plain.example");

        var hop = Assert.Single(result.Hops);
        Assert.Equal(("plain.example", IPAddress.Parse("192.0.2.7"), 25), (hop.Host, hop.Address, hop.Port));
    }

    [Fact]
    public async Task NullMxIsPermanentFailure()
    {
        _dns.AddMx("nomail.example", 0, ".").AddAddress("nomail.example", "192.0.2.9");

        var result = await Resolve(Resolver(), "nomail.example");

        Assert.Empty(result.Hops);
        Assert.True(result.IsPermanentFailure);
        Assert.StartsWith("5.1.10", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NxDomainIsPermanentDomainNotFound()
    {
        var result = await Resolve(Resolver(), "nowhere.example");

        Assert.Empty(result.Hops);
        Assert.True(result.IsPermanentFailure);
        Assert.StartsWith("5.1.2 domain not found", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServFailIsTemporary()
    {
        _dns.ServFail("broken.example");

        var result = await Resolve(Resolver(), "broken.example");

        Assert.Empty(result.Hops);
        Assert.False(result.IsPermanentFailure);
        Assert.StartsWith("4.4.3", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServerIsTemporary()
    {
        _dns.Silent("slow.example");

        var result = await Resolve(Resolver(), "slow.example");

        Assert.False(result.IsPermanentFailure);
        Assert.StartsWith("4.4.3", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MxHostThatDoesNotResolveIsSkipped()
    {
        _dns.AddMx("example.org", 10, "gone.example.org").AddMx("example.org", 20, "mx.example.org").AddAddress("mx.example.org", "192.0.2.5");

        var result = await Resolve(Resolver(), "example.org");

        Assert.Equal("mx.example.org", Assert.Single(result.Hops).Host);
    }

    [Fact]
    public async Task MxHostsWithoutAddressesFailTemporarilyWhenOneLookupFailedTemporarily()
    {
        _dns.AddMx("example.org", 10, "gone.example.org").AddMx("example.org", 20, "flaky.example.org").ServFail("flaky.example.org");

        var result = await Resolve(Resolver(), "example.org");

        Assert.False(result.IsPermanentFailure);
        Assert.NotNull(result.Failure);
    }

    [Fact]
    public async Task StaticRouteWinsOverMx()
    {
        _dns.AddMx("example.org", 10, "mx.example.org").AddAddress("mx.example.org", "192.0.2.1");

        var result = await Resolve(Resolver("example.org=127.0.0.1:2626", "127.0.0.1=u:p"), "example.org");

        Assert.Equal(new NextHop("127.0.0.1", IPAddress.Loopback, 2626, "u", "p"), Assert.Single(result.Hops));
        Assert.DoesNotContain(_dns.Queries, q => q.StartsWith("MX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WildcardRouteResolvesItsHostByName()
    {
        _dns.AddAddress("smarthost.example", "192.0.2.50").AddAddress("smarthost.example", "2001:db8::50");

        var result = await Resolve(Resolver("*=smarthost.example:587", "smarthost.example=alice:secret"), "anything.net");

        Assert.Equal(
            [new NextHop("smarthost.example", IPAddress.Parse("192.0.2.50"), 587, "alice", "secret"),
             new NextHop("smarthost.example", IPAddress.Parse("2001:db8::50"), 587, "alice", "secret")],
            result.Hops);
        Assert.DoesNotContain("MX anything.net", _dns.Queries);
    }

    [Fact]
    public async Task RouteHostThatDoesNotResolveIsTemporaryNotABounce()
    {
        var result = await Resolve(Resolver("*=missing.example"), "anything.net");

        Assert.Empty(result.Hops);
        Assert.False(result.IsPermanentFailure);
    }

    [Theory]
    [InlineData("[192.0.2.44]", "192.0.2.44")]
    [InlineData("[IPv6:2001:db8::44]", "2001:db8::44")]
    public async Task AddressLiteralNeedsNoDns(string domain, string address)
    {
        var result = await Resolve(Resolver(), domain);

        Assert.Equal(IPAddress.Parse(address), Assert.Single(result.Hops).Address);
        Assert.Empty(_dns.Queries);
    }

    [Theory]
    [InlineData("[300.1.1.1]")]
    [InlineData("[2001:db8::1]")]
    [InlineData("[192.0.2.1")]
    public async Task BadAddressLiteralIsPermanent(string domain)
    {
        var result = await Resolve(Resolver(), domain);

        Assert.True(result.IsPermanentFailure);
    }
}
