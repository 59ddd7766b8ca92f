using System.Net;
using FastMail.Accounts.Throttling;

namespace FastMail.Tests.Accounts.Throttling;

public sealed class AuthThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Other = IPAddress.Parse("198.51.100.9");
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void TheFirstTwoFailuresCostNothingThenTheDelayDoublesUpToTheCap()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { LockoutFailures = 100 }, _time);
        var delays = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(Attacker, null);
            delays.Add(throttle.DelayFor(Attacker, null).TotalMilliseconds);
        }

        Assert.Equal([0, 0, 250, 500, 1000, 2000, 4000, 8000, 15000, 15000], delays);
    }

    [Fact]
    public void TheDelayCountsFromTheLastFailureSoWaitingClientsAreNotChargedTwice()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 3);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        var later = throttle.DelayFor(Attacker, null);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(TimeSpan.FromMilliseconds(150), later);
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(Attacker, null));
    }

    [Fact]
    public void TenFailuresLockTheAddressOutForFiveMinutes()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 9);
        Assert.False(throttle.IsLockedOut(Attacker, null));

        throttle.RecordFailure(Attacker, null);
        Assert.True(throttle.IsLockedOut(Attacker, null));
        Assert.False(throttle.IsLockedOut(Other, null));

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True(throttle.IsLockedOut(Attacker, null));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(throttle.IsLockedOut(Attacker, null));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(Attacker, null));
    }

    [Fact]
    public void FailuresDuringALockoutDoNotExtendIt()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 10);

        _time.Advance(TimeSpan.FromMinutes(4));
        Fail(throttle, Attacker, null, 5);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(throttle.IsLockedOut(Attacker, null));
    }

    [Fact]
    public void ASuccessClearsTheAddressAndTheAccount()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, "motriles", 5);

        throttle.RecordSuccess(Attacker, "motriles");

        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(Attacker, "motriles"));
        throttle.RecordFailure(Attacker, "motriles");
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(Attacker, "motriles"));
    }

    [Fact]
    public void AnAccountGuessedFromManyAddressesIsLockedOutOnItsOwn()
    {
        var throttle = new AuthThrottle(null, _time);
        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"192.0.2.{i + 1}"), "motriles");
        }

        Assert.True(throttle.IsLockedOut(Other, "motriles"));
        Assert.False(throttle.IsLockedOut(Other, "someone"));
        Assert.Equal(TimeSpan.FromSeconds(15), throttle.DelayFor(Other, "motriles"));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(Other, null));
    }

    [Theory]
    [InlineData("motriles", "MOTRILES")]
    [InlineData("motriles", "motriles@example.com")]
    [InlineData("nobody", "NoBody@Example.COM")]
    public void AccountNamesCountTogetherInAnyCaseWithOrWithoutDomainWhetherOrNotTheyExist(string first, string second)
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, null, first, 5);
        Fail(throttle, null, second, 5);

        Assert.True(throttle.IsLockedOut(null, first));
        Assert.True(throttle.IsLockedOut(null, second));
    }

    [Theory]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    public void AddressesCountPerIPv4AddressAndPerIPv6Slash64(string first, string second, bool together)
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, IPAddress.Parse(first), null, 10);

        Assert.Equal(together, throttle.IsLockedOut(IPAddress.Parse(second), null));
    }

    [Fact]
    public void FailuresAreForgottenAfterAQuietWindow()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 9);

        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        throttle.RecordFailure(Attacker, null);

        Assert.False(throttle.IsLockedOut(Attacker, null));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(Attacker, null));
    }

    [Fact]
    public void MemoryIsBoundedByForgettingTheKeyThatFailedLongestAgo()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 3, FreeFailures = 0 }, _time);
        var addresses = Enumerable.Range(1, 5).Select(i => IPAddress.Parse($"192.0.2.{i}")).ToArray();
        foreach (var address in addresses)
        {
            throttle.RecordFailure(address, $"user{address.GetAddressBytes()[3]}");
        }

        Assert.Equal(3, throttle.TrackedAddresses);
        Assert.Equal(3, throttle.TrackedAccounts);
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(addresses[0], null));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(addresses[1], null));
        Assert.Equal(TimeSpan.FromMilliseconds(250), throttle.DelayFor(addresses[4], null));
    }

    [Fact]
    public void AThousandDistinctAttackersNeverGrowTheTablesPastTheCap()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 100 }, _time);
        for (var i = 0; i < 1000; i++)
        {
            throttle.RecordFailure(new IPAddress(i + 1), "guess" + i);
        }

        Assert.Equal(100, throttle.TrackedAddresses);
        Assert.Equal(100, throttle.TrackedAccounts);
    }

    [Fact]
    public async Task DelayAsyncReturnsAtOnceWithoutPenaltyAndHonoursCancellation()
    {
        var throttle = new AuthThrottle(null, _time);
        await throttle.DelayAsync(Attacker, "motriles", CancellationToken.None);
        Fail(throttle, Attacker, "motriles", 5);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => throttle.DelayAsync(Attacker, "motriles", cts.Token));
    }

    [Fact]
    public void UnusableOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 0 }, _time));
        Assert.Throws<ArgumentException>(() => new AuthThrottle(new AuthThrottleOptions { MaxDelay = TimeSpan.FromMilliseconds(1) }, _time));
    }

    private static void Fail(AuthThrottle throttle, IPAddress? address, string? account, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.RecordFailure(address, account);
        }
    }
}
