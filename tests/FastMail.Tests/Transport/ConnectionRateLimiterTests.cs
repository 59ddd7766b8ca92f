using System.Net;
using FastMail.Tests.TestKit;
using FastMail.Transport.Limits;

namespace FastMail.Tests.Transport;

public sealed class ConnectionRateLimiterTests
{
    private static readonly IPAddress s_a = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress s_b = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void AnAddressGetsABurstOfTheRateThenIsRefusedWhileOthersAreNot()
    {
        var limiter = new ConnectionRateLimiter(perMinute: 3, new ManualClock());

        Assert.True(limiter.TryAcquire(s_a));
        Assert.True(limiter.TryAcquire(s_a));
        Assert.True(limiter.TryAcquire(s_a));
        Assert.False(limiter.TryAcquire(s_a));
        Assert.True(limiter.TryAcquire(s_b));
    }

    [Fact]
    public void TheAllowanceRefillsEvenlyOverTheMinute()
    {
        var clock = new ManualClock();
        var limiter = new ConnectionRateLimiter(perMinute: 3, clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire(s_a));
        }

        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.False(limiter.TryAcquire(s_a));

        // 20 s earn one connection at 3 per minute; the refused attempt above cost nothing.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(s_a));
        Assert.False(limiter.TryAcquire(s_a));

        // A long pause refills to the burst, never beyond it.
        clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire(s_a));
        }

        Assert.False(limiter.TryAcquire(s_a));
    }

    [Fact]
    public void ZeroAllowsEverythingAndTracksNothing()
    {
        var limiter = new ConnectionRateLimiter(perMinute: 0, new ManualClock());

        for (var i = 0; i < 1000; i++)
        {
            Assert.True(limiter.TryAcquire(s_a));
        }

        Assert.Equal(0, limiter.TrackedAddresses);
    }

    [Fact]
    public void IdleAddressesAreForgottenSoMemoryStaysBounded()
    {
        var clock = new ManualClock();
        var limiter = new ConnectionRateLimiter(perMinute: 2, clock);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(limiter.TryAcquire(new IPAddress([198, 51, 100, (byte)i])));
        }

        Assert.Equal(100, limiter.TrackedAddresses);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire(s_a));

        Assert.Equal(1, limiter.TrackedAddresses);
    }

    [Fact]
    public void AFullTableOfBusyAddressesAdmitsNewAddressesUntrackedAndKeepsLimitingTheTrackedOnes()
    {
        var clock = new ManualClock();
        var limiter = new ConnectionRateLimiter(perMinute: 1, clock, maxTrackedAddresses: 2);
        Assert.True(limiter.TryAcquire(s_a));
        Assert.True(limiter.TryAcquire(s_b));

        var newcomer = IPAddress.Parse("192.0.2.3");
        Assert.True(limiter.TryAcquire(newcomer));
        Assert.True(limiter.TryAcquire(newcomer));
        Assert.Equal(2, limiter.TrackedAddresses);
        Assert.False(limiter.TryAcquire(s_a));

        // Once a tracked address has refilled, a full table sweeps it out and makes room.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire(newcomer));
        Assert.False(limiter.TryAcquire(newcomer));
        Assert.Equal(1, limiter.TrackedAddresses);
    }
}
