using System.Net;
using FastMail.Accounts.Throttling;
using FastMail.Core.Services;

namespace FastMail.Tests.Accounts.Throttling;

public sealed class AuthThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Other = IPAddress.Parse("198.51.100.9");
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void TheFirstThreeAttemptsWaitNothingThenTheDelayDoublesUpToTheCap()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { LockoutFailures = 100 }, _time);
        var delays = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            Assert.True(throttle.TryReserve(Attacker, null, out var delay).Admitted);
            delays.Add(delay.TotalMilliseconds);
        }

        Assert.Equal([0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 15000, 15000], delays);
    }

    [Fact]
    public void TheDelayCountsFromThePreviousAttemptSoWaitingClientsAreNotChargedTwice()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 3);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        throttle.TryReserve(Attacker, null, out var delay);

        Assert.Equal(TimeSpan.FromMilliseconds(150), delay);
    }

    [Fact]
    public void TheTenthAttemptIsStillCheckedAndLocksTheAddressOutForFiveMinutes()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 9);
        Assert.False(throttle.IsLockedOut(Attacker, null));

        var tenth = throttle.TryReserve(Attacker, null, out _);
        Assert.True(tenth.Admitted);
        Assert.False(throttle.IsLockedOutForOthers(tenth));
        Assert.True(throttle.IsLockedOut(Attacker, null));
        Assert.False(throttle.TryReserve(Attacker, null, out _).Admitted);
        Assert.True(throttle.TryReserve(Other, null, out _).Admitted);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.False(throttle.TryReserve(Attacker, null, out _).Admitted);

        _time.Advance(TimeSpan.FromSeconds(1));
        var after = throttle.TryReserve(Attacker, null, out var delay);
        Assert.True(after.Admitted);
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void RefusedAttemptsDuringALockoutDoNotExtendIt()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 10);

        _time.Advance(TimeSpan.FromMinutes(4));
        Fail(throttle, Attacker, null, 5);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(throttle.IsLockedOut(Attacker, null));
    }

    [Fact]
    public void ASuccessDuringALockoutIsRefusedAndClearsNothing()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, "motriles", 10);

        var right = throttle.TryReserve(Attacker, "motriles", out _);
        throttle.Succeeded(right);

        Assert.False(right.Admitted);
        Assert.True(throttle.IsLockedOut(Attacker, "motriles"));
    }

    [Fact]
    public void ASuccessGivesBackItsOwnCountButKeepsEarlierFailures()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, "motriles", 8);

        var right = throttle.TryReserve(Attacker, "motriles", out _);
        throttle.Succeeded(right);
        var ninth = throttle.TryReserve(Attacker, "motriles", out _);
        var tenth = throttle.TryReserve(Attacker, "motriles", out _);

        Assert.True(ninth.Admitted);
        Assert.True(tenth.Admitted);
        Assert.True(throttle.IsLockedOut(Attacker, "motriles"));
    }

    [Fact]
    public void AClientThatAlwaysLogsInRightIsNeverSlowedOrLockedOut()
    {
        var throttle = new AuthThrottle(null, _time);
        for (var i = 0; i < 100; i++)
        {
            var attempt = throttle.TryReserve(Attacker, "motriles", out var delay);
            Assert.True(attempt.Admitted);
            Assert.Equal(TimeSpan.Zero, delay);
            throttle.Succeeded(attempt);
        }
    }

    [Fact]
    public void AnAccountGuessedFromManyAddressesIsLockedOutOnItsOwn()
    {
        var throttle = new AuthThrottle(null, _time);
        for (var i = 0; i < 10; i++)
        {
            throttle.TryReserve(IPAddress.Parse($"192.0.2.{i + 1}"), "motriles", out _);
        }

        Assert.True(throttle.IsLockedOut(Other, "motriles"));
        Assert.False(throttle.TryReserve(Other, "motriles", out _).Admitted);
        Assert.True(throttle.TryReserve(Other, "someone", out _).Admitted);
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
        throttle.TryReserve(Attacker, null, out var delay);

        Assert.False(throttle.IsLockedOut(Attacker, null));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void ASuccessAfterTheWindowWasForgottenGivesNothingBack()
    {
        var throttle = new AuthThrottle(null, _time);
        var old = throttle.TryReserve(Attacker, null, out _);
        _time.Advance(TimeSpan.FromMinutes(16));
        Fail(throttle, Attacker, null, 9);

        throttle.Succeeded(old);
        throttle.TryReserve(Attacker, null, out _);

        Assert.True(throttle.IsLockedOut(Attacker, null));
    }

    [Fact]
    public void MemoryIsBoundedByForgettingTheKeyThatFailedLongestAgo()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 3, FreeFailures = 0 }, _time);
        var addresses = Enumerable.Range(1, 5).Select(i => IPAddress.Parse($"192.0.2.{i}")).ToArray();
        foreach (var address in addresses)
        {
            throttle.TryReserve(address, $"user{address.GetAddressBytes()[3]}", out _);
        }

        Assert.Equal(3, throttle.TrackedAddresses);
        Assert.Equal(3, throttle.TrackedAccounts);
        Assert.Equal(TimeSpan.Zero, DelayOfNext(throttle, addresses[0]));
        Assert.Equal(TimeSpan.FromMilliseconds(250), DelayOfNext(throttle, addresses[4]));
    }

    [Fact]
    public void AThousandDistinctAttackersNeverGrowTheTablesPastTheCap()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 100 }, _time);
        for (var i = 0; i < 1000; i++)
        {
            throttle.TryReserve(new IPAddress(i + 1), "guess" + i, out _);
        }

        Assert.Equal(100, throttle.TrackedAddresses);
        Assert.Equal(100, throttle.TrackedAccounts);
    }

    [Fact]
    public async Task ConcurrentAttemptsFromManyThreadsAdmitExactlyTheLockoutCount()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, _time);
        var admitted = 0;
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 200; i++)
            {
                if (throttle.TryReserve(Attacker, "motriles", out _).Admitted)
                {
                    Interlocked.Increment(ref admitted);
                }
            }
        })).ToArray();

        start.Set();
        await Task.WhenAll(workers);

        Assert.Equal(10, admitted);
    }

    [Fact]
    public async Task UnderContentionARightPasswordNeverOpensRoomForMoreThanTheLockoutCountOfWrongOnes()
    {
        // 400 wrong attempts and a right one every 50th, from 8 threads: at most LockoutFailures wrong passwords
        // are checked, and a right one is refused once the lockout started.
        var throttle = new AuthThrottle(new AuthThrottleOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, _time);
        var wrongChecked = 0;
        var rightRefusedWhileLocked = 0;
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 50; i++)
            {
                var right = i % 10 == worker % 10;
                var attempt = throttle.TryReserve(Attacker, "motriles", out _);
                if (!attempt.Admitted)
                {
                    if (right)
                    {
                        Interlocked.Increment(ref rightRefusedWhileLocked);
                    }

                    continue;
                }

                if (right)
                {
                    throttle.Succeeded(attempt);
                }
                else
                {
                    Interlocked.Increment(ref wrongChecked);
                }
            }
        })).ToArray();

        start.Set();
        await Task.WhenAll(workers);

        // Fewer than 10 when a right attempt was still counted at the moment the tenth began.
        Assert.InRange(wrongChecked, 1, 10);
        Assert.True(rightRefusedWhileLocked > 0);
        Assert.True(throttle.IsLockedOut(Attacker, "motriles"));
    }

    [Fact]
    public async Task AnAttemptWaitingOutItsPenaltyIsRefusedWhenAnotherStartsALockoutMeanwhile()
    {
        var options = new AuthThrottleOptions { FreeFailures = 0, BaseDelay = TimeSpan.FromMilliseconds(200), LockoutFailures = 3 };
        var throttle = new AuthThrottle(options, TimeProvider.System);
        Assert.True((await throttle.BeginAsync(Attacker, "motriles", CancellationToken.None)).Admitted);

        var waiting = throttle.BeginAsync(Attacker, "motriles", CancellationToken.None); // waits 200 ms
        var third = throttle.BeginAsync(Attacker, "motriles", CancellationToken.None);   // starts the lockout, waits 400 ms

        Assert.False(waiting.IsCompleted);
        Assert.False((await waiting).Admitted);
        Assert.True((await third).Admitted);
    }

    [Fact]
    public async Task BeginAsyncReturnsAtOnceWithoutPenaltyAndHonoursCancellation()
    {
        var throttle = new AuthThrottle(null, _time);
        var first = throttle.BeginAsync(Attacker, "motriles", CancellationToken.None);
        Assert.True(first.IsCompletedSuccessfully);
        Fail(throttle, Attacker, "motriles", 4);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await throttle.BeginAsync(Attacker, "motriles", cts.Token));
    }

    [Fact]
    public void UnusableOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 0 }, _time));
        Assert.Throws<ArgumentException>(() => new AuthThrottle(new AuthThrottleOptions { MaxDelay = TimeSpan.FromMilliseconds(1) }, _time));
    }

    private static TimeSpan DelayOfNext(AuthThrottle throttle, IPAddress address)
    {
        throttle.TryReserve(address, null, out var delay);
        return delay;
    }

    private static void Fail(AuthThrottle throttle, IPAddress? address, string? account, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.TryReserve(address, account, out _);
        }
    }
}
