using System.Net;
using FastMail.Transport.Limits;

namespace FastMail.Tests.Transport;

public sealed class ConnectionLimiterTests
{
    private static readonly IPAddress s_a = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress s_b = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void EachAddressHasItsOwnCountUpToThePerIpLimit()
    {
        var limiter = new ConnectionLimiter(maxConnections: 10, maxConnectionsPerIp: 2);

        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(s_a));
        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(s_a));
        Assert.Equal(LimitResult.PerIpLimit, limiter.TryAcquire(s_a));
        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(s_b));

        Assert.Equal(2, limiter.CountFor(s_a));
        Assert.Equal(1, limiter.CountFor(s_b));
        Assert.Equal(3, limiter.Total);
    }

    [Fact]
    public void TheTotalLimitAppliesAcrossAddressesAndARefusalCountsNothing()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2, maxConnectionsPerIp: 5);

        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(s_a));
        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(s_b));
        Assert.Equal(LimitResult.TotalLimit, limiter.TryAcquire(IPAddress.Parse("192.0.2.3")));

        Assert.Equal(2, limiter.Total);
        Assert.Equal(0, limiter.CountFor(IPAddress.Parse("192.0.2.3")));
    }

    [Fact]
    public void ReleasingFreesTheSlotAndForgetsAddressesWithNoConnections()
    {
        var limiter = new ConnectionLimiter(maxConnections: 1, maxConnectionsPerIp: 1);
        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(s_a));

        limiter.Release(s_a);

        Assert.Equal(0, limiter.Total);
        Assert.Equal(0, limiter.CountFor(s_a));
        Assert.Equal(LimitResult.Accepted, limiter.TryAcquire(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public async Task ConcurrentAcquiresAndReleasesBalanceToZero()
    {
        var limiter = new ConnectionLimiter(maxConnections: 1000, maxConnectionsPerIp: 1000);
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var address = (i & 1) == 0 ? s_a : s_b;
                if (limiter.TryAcquire(address) == LimitResult.Accepted)
                {
                    limiter.Release(address);
                }
            }
        }));

        await Task.WhenAll(workers);

        Assert.Equal(0, limiter.Total);
        Assert.Equal(0, limiter.CountFor(s_a));
        Assert.Equal(0, limiter.CountFor(s_b));
    }
}
