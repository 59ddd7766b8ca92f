using System.Net;
using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

public sealed class RelayPolicyTests : IDisposable
{
    private readonly TempDirectory _dir = new("accounts");

    public void Dispose() => _dir.Dispose();

    [Theory]
    // remote, authenticated user, AllowRelay, expected
    [InlineData("127.0.0.1", "alice", false, true)]
    [InlineData("203.0.113.9", "alice", false, true)]
    [InlineData("203.0.113.9", "alice", true, true)]
    [InlineData("127.0.0.1", null, true, true)]
    [InlineData("192.168.1.77", null, true, true)]
    [InlineData("::1", null, true, true)]
    [InlineData("::ffff:127.0.0.1", null, true, true)]
    [InlineData("::ffff:192.168.1.5", null, true, true)]
    [InlineData("fd00:1234::5", null, true, true)]
    [InlineData("127.0.0.1", null, false, false)]
    [InlineData("192.168.1.77", null, false, false)]
    [InlineData("::ffff:127.0.0.1", null, false, false)]
    [InlineData("203.0.113.9", null, true, false)]
    [InlineData("192.168.2.1", null, true, false)]
    [InlineData("::2", null, true, false)]
    [InlineData("fd01::1", null, true, false)]
    [InlineData("203.0.113.9", "", true, false)]
    public void RelayMatrix(string remote, string? user, bool allowRelay, bool expected)
    {
        var policy = new AccountDirectory(_dir.AccountsOptions(o =>
        {
            o.AllowRelay = allowRelay;
            o.TrustedNetworks = ["127.0.0.0/8", "192.168.1.0/24", "::1/128", "fd00:1234::/32"];
        }));

        Assert.Equal(expected, policy.MayRelay(IPAddress.Parse(remote), user));
    }

    [Fact]
    public void ByDefaultNobodyRelaysWithoutAuthentication()
    {
        var policy = new AccountDirectory(_dir.AccountsOptions());

        Assert.False(policy.MayRelay(IPAddress.Loopback, null));
        Assert.False(policy.MayRelay(IPAddress.IPv6Loopback, null));
        Assert.False(policy.MayRelay(null, null));
        Assert.True(policy.MayRelay(null, "alice"));
    }

    [Fact]
    public void AllowRelayWithNoTrustedNetworksTrustsNobody()
    {
        var policy = new AccountDirectory(_dir.AccountsOptions(o => o.AllowRelay = true));

        Assert.False(policy.MayRelay(IPAddress.Loopback, null));
        Assert.False(policy.MayRelay(null, null));
    }

    [Fact]
    public void ABareAddressIsASingleHostNetwork()
    {
        var policy = new AccountDirectory(_dir.AccountsOptions(o =>
        {
            o.AllowRelay = true;
            o.TrustedNetworks = ["10.1.2.3", "2001:db8::7"];
        }));

        Assert.True(policy.MayRelay(IPAddress.Parse("10.1.2.3"), null));
        Assert.False(policy.MayRelay(IPAddress.Parse("10.1.2.4"), null));
        Assert.True(policy.MayRelay(IPAddress.Parse("2001:db8::7"), null));
        Assert.False(policy.MayRelay(IPAddress.Parse("2001:db8::8"), null));
    }

    [Fact]
    public void NetworksAreMaskedAndMappedNetworksMatchIPv4Clients()
    {
        var policy = new AccountDirectory(_dir.AccountsOptions(o =>
        {
            o.AllowRelay = true;
            o.TrustedNetworks = ["192.168.1.7/24", "::ffff:10.0.0.0/104"];
        }));

        Assert.True(policy.MayRelay(IPAddress.Parse("192.168.1.200"), null));
        Assert.True(policy.MayRelay(IPAddress.Parse("10.20.30.40"), null));
        Assert.True(policy.MayRelay(IPAddress.Parse("::ffff:10.20.30.40"), null));
        Assert.False(policy.MayRelay(IPAddress.Parse("11.0.0.1"), null));
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.0/33")]
    [InlineData("")]
    public void MalformedTrustedNetworksStopTheDirectoryFromStarting(string entry)
    {
        var ex = Assert.Throws<ArgumentException>(() => new AccountDirectory(_dir.AccountsOptions(o => o.TrustedNetworks = [entry])));

        Assert.Contains("TrustedNetworks", ex.Message, StringComparison.Ordinal);
    }
}
