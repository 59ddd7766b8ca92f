using FastMail.Relay.Routing;

namespace FastMail.Tests.Relay.Routing;

public sealed class RelayRoutesTests
{
    [Fact]
    public void ParseReadsDomainAndWildcardRoutesWithDefaultPort()
    {
        var routes = RelayRoutes.Parse("example.org=127.0.0.1:2626, *=smarthost.example");

        Assert.True(routes.TryFind("EXAMPLE.org", out var exact));
        Assert.Equal(new RelayRoute("127.0.0.1", 2626, null, null), exact);
        Assert.True(routes.TryFind("other.net", out var wildcard));
        Assert.Equal(new RelayRoute("smarthost.example", 25, null, null), wildcard);
    }

    [Fact]
    public void DomainKeyMatchesExactlyAndDotKeyMatchesOnlySubdomains()
    {
        var routes = RelayRoutes.Parse("example.org=a.example:25,.example.net=b.example:26");

        Assert.False(routes.TryFind("sub.example.org", out _));
        Assert.True(routes.TryFind("example.org.", out var trailingDot));
        Assert.Equal("a.example", trailingDot.Host);
        Assert.False(routes.TryFind("example.net", out _));
        Assert.True(routes.TryFind("deep.mail.Example.NET", out var sub));
        Assert.Equal(new RelayRoute("b.example", 26, null, null), sub);
    }

    [Fact]
    public void MostSpecificParentRouteWins()
    {
        var routes = RelayRoutes.Parse(".example.org=outer.example,.mail.example.org=inner.example,*=any.example");

        Assert.True(routes.TryFind("a.mail.example.org", out var inner));
        Assert.Equal("inner.example", inner.Host);
        Assert.True(routes.TryFind("a.example.org", out var outer));
        Assert.Equal("outer.example", outer.Host);
    }

    [Fact]
    public void AddressLiteralMatchesOnlyTheWildcardRoute()
    {
        Assert.False(RelayRoutes.Parse("example.org=a.example").TryFind("[192.0.2.1]", out _));
        Assert.True(RelayRoutes.Parse("*=a.example").TryFind("[192.0.2.1]", out var route));
        Assert.Equal("a.example", route.Host);
    }

    [Fact]
    public void ParseAcceptsBracketedIpv6HostWithAndWithoutPort()
    {
        var routes = RelayRoutes.Parse("a.example=[::1]:2525,b.example=[2001:db8::1]");

        Assert.True(routes.TryFind("a.example", out var a));
        Assert.Equal(new RelayRoute("::1", 2525, null, null), a);
        Assert.True(routes.TryFind("b.example", out var b));
        Assert.Equal(new RelayRoute("2001:db8::1", 25, null, null), b);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(",,")]
    public void BlankTextMeansNoRoutes(string? text)
    {
        var routes = RelayRoutes.Parse(text);

        Assert.True(routes.IsEmpty);
        Assert.False(routes.TryFind("example.org", out _));
    }

    [Theory]
    [InlineData("example.org", "example.org")]
    [InlineData("example.org=", "example.org=")]
    [InlineData("=host.example", "=host.example")]
    [InlineData("example.org=host:0", "example.org=host:0")]
    [InlineData("example.org=host:99999", "example.org=host:99999")]
    [InlineData("example.org=host:x", "example.org=host:x")]
    [InlineData("example.org=::1", "example.org=::1")]
    [InlineData("example.org=[::1", "example.org=[::1")]
    [InlineData("example.org=[1.2.3.4]", "example.org=[1.2.3.4]")]
    [InlineData("bad domain=host", "bad domain=host")]
    [InlineData("a..b=host", "a..b=host")]
    [InlineData("ok.example=h,*=a,*=b", "*=b")]
    [InlineData("ok.example=h,OK.example=i", "OK.example=i")]
    [InlineData("ok.example=h,x.example=bad host", "x.example=bad host")]
    public void BadSyntaxThrowsFormatExceptionNamingTheEntry(string text, string entry)
    {
        var error = Assert.Throws<FormatException>(() => RelayRoutes.Parse(text));

        Assert.Contains($"'{entry}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CredentialsAttachToRoutesByHost()
    {
        var routes = RelayRoutes.Parse("*=smarthost.example:587,local.example=[::1]:25",
            "SMARTHOST.example=alice:pa:ss:word, ::1=bob:secret");

        Assert.True(routes.TryFind("remote.net", out var smarthost));
        Assert.Equal(new RelayRoute("smarthost.example", 587, "alice", "pa:ss:word"), smarthost);
        Assert.True(routes.TryFind("local.example", out var local));
        Assert.Equal(("bob", "secret"), (local.UserName, local.Password));
        Assert.DoesNotContain("pa:ss:word", smarthost.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smarthost.example")]
    [InlineData("smarthost.example=alice")]
    [InlineData("smarthost.example=:secret")]
    [InlineData("=alice:secret")]
    public void BadCredentialsThrowWithoutEchoingThePassword(string credentials)
    {
        var error = Assert.Throws<FormatException>(() => RelayRoutes.Parse("*=smarthost.example", credentials));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("relay.credentials", error.Message, StringComparison.Ordinal);
    }
}
