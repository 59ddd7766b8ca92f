using System.Net;
using FastMail.Accounts.Throttling;
using FastMail.Core.Services;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Accounts.Throttling;

public sealed class AuthThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Other = IPAddress.Parse("198.51.100.9");
    private readonly ManualClock _time = new();

    [Fact]
    public void TheFirstThreeAttemptsWaitNothingThenTheDelayDoublesUpToTheCap()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { LockoutFailures = 100 }, _time);
        var delays = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Attacker, null, out var attempt, out var delay));
            throttle.Complete(attempt, succeeded: false);
            delays.Add(delay.TotalMilliseconds);
        }

        Assert.Equal([0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 15000, 15000], delays);
    }

    [Fact]
    public void TheDelayCountsFromTheLastFailureSoWaitingClientsAreNotChargedTwice()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 3);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        throttle.TryReserve(Attacker, null, out _, out var delay);

        Assert.Equal(TimeSpan.FromMilliseconds(150), delay);
    }

    [Fact]
    public void TenFailuresLockTheAddressOutForFiveMinutes()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 9);
        Assert.False(throttle.IsLockedOut(Attacker, null));

        Fail(throttle, Attacker, null, 1);
        Assert.True(throttle.IsLockedOut(Attacker, null));
        Assert.Equal(AuthThrottle.Reservation.LockedOut, throttle.TryReserve(Attacker, null, out var refused, out _));
        Assert.False(refused.Admitted);
        Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Other, null, out _, out _));

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(AuthThrottle.Reservation.LockedOut, throttle.TryReserve(Attacker, null, out _, out _));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Attacker, null, out _, out var delay));
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
    public void TheRightPasswordDuringALockoutIsRefusedAndASuccessClearsNoFailures()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, "motriles", 8);
        Succeed(throttle, Attacker, "motriles");
        Fail(throttle, Attacker, "motriles", 2);

        Assert.True(throttle.IsLockedOut(Attacker, "motriles"));
        Assert.Equal(AuthThrottle.Reservation.LockedOut, throttle.TryReserve(Attacker, "motriles", out _, out _));
    }

    [Fact]
    public void AClientThatAlwaysLogsInRightIsNeverSlowedOrLockedOut()
    {
        var throttle = new AuthThrottle(null, _time);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Attacker, "motriles", out var attempt, out var delay));
            Assert.Equal(TimeSpan.Zero, delay);
            throttle.Complete(attempt, succeeded: true);
        }
    }

    [Fact]
    public void AttemptsInFlightCountAgainstTheLockoutUntilTheyEnd()
    {
        var throttle = new AuthThrottle(null, _time);
        Fail(throttle, Attacker, null, 7);
        var inFlight = new LoginAttempt[3];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Attacker, null, out inFlight[i], out _));
        }

        Assert.Equal(AuthThrottle.Reservation.Busy, throttle.TryReserve(Attacker, null, out _, out _));
        throttle.Complete(inFlight[0], succeeded: true);
        Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Attacker, null, out var next, out _));
        Assert.Equal(AuthThrottle.Reservation.Busy, throttle.TryReserve(Attacker, null, out _, out _));

        throttle.Complete(inFlight[1], succeeded: false);
        throttle.Complete(inFlight[2], succeeded: false);
        throttle.Complete(next, succeeded: false);

        Assert.True(throttle.IsLockedOut(Attacker, null));
    }

    [Fact]
    public void AnAccountGuessedFromManyAddressesIsLockedOutOnItsOwn()
    {
        var throttle = new AuthThrottle(null, _time);
        for (var i = 0; i < 10; i++)
        {
            Fail(throttle, IPAddress.Parse($"192.0.2.{i + 1}"), "motriles", 1);
        }

        Assert.True(throttle.IsLockedOut(Other, "motriles"));
        Assert.Equal(AuthThrottle.Reservation.LockedOut, throttle.TryReserve(Other, "motriles", out _, out _));
        Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Other, "someone", out _, out _));
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
        throttle.TryReserve(Attacker, null, out var attempt, out var delay);
        throttle.Complete(attempt, succeeded: false);

        Assert.False(throttle.IsLockedOut(Attacker, null));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void MemoryIsBoundedByForgettingTheKeyThatFailedLongestAgo()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 3, FreeFailures = 0 }, _time);
        var addresses = Enumerable.Range(1, 5).Select(i => IPAddress.Parse($"192.0.2.{i}")).ToArray();
        foreach (var address in addresses)
        {
            Fail(throttle, address, $"user{address.GetAddressBytes()[3]}", 1);
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
            Fail(throttle, new IPAddress(i + 1), "guess" + i, 1);
        }

        Assert.Equal(100, throttle.TrackedAddresses);
        Assert.Equal(100, throttle.TrackedAccounts);
    }

    [Fact]
    public async Task UnderContentionAtMostTheLockoutCountOfWrongPasswordsIsCheckedAndTheRightOneIsRefusedAfter()
    {
        // 8 threads × 50 attempts at once, every tenth with the right password: no more than LockoutFailures wrong
        // passwords get checked, however the attempts interleave, and the lockout then refuses the right one too.
        var throttle = new AuthThrottle(new AuthThrottleOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }, TimeProvider.System);
        var wrongChecked = 0;
        var rightAdmitted = 0;
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            start.Wait();
            for (var i = 0; i < 50; i++)
            {
                var right = i % 10 == worker % 10;
                var attempt = await throttle.BeginAsync(Attacker, "motriles", CancellationToken.None);
                if (!attempt.Admitted)
                {
                    continue;
                }

                Interlocked.Increment(ref right ? ref rightAdmitted : ref wrongChecked);
                await Task.Yield(); // the "password check": others run meanwhile
                throttle.Complete(attempt, succeeded: right);
            }
        })).ToArray();

        start.Set();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(10, wrongChecked);
        Assert.True(throttle.IsLockedOut(Attacker, "motriles"));
        Assert.False((await throttle.BeginAsync(Attacker, "motriles", CancellationToken.None)).Admitted);
    }

    [Fact]
    public async Task ManyRightLoginsAtOnceFromOneAddressAllSucceedByQueueing()
    {
        var throttle = new AuthThrottle(null, TimeProvider.System);
        var succeeded = 0;
        var logins = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var attempt = await throttle.BeginAsync(Attacker, "user" + i, CancellationToken.None);
            if (attempt.Admitted)
            {
                await Task.Yield();
                throttle.Complete(attempt, succeeded: true);
                Interlocked.Increment(ref succeeded);
            }
        }));

        await Task.WhenAll(logins).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, succeeded);
        Assert.False(throttle.IsLockedOut(Attacker, null));
    }

    [Fact]
    public async Task AttemptsQueuedBehindOneInFlightAreRefusedWhenItsFailureStartsTheLockout()
    {
        var options = new AuthThrottleOptions { FreeFailures = 0, BaseDelay = TimeSpan.FromMilliseconds(200), LockoutFailures = 3 };
        var throttle = new AuthThrottle(options, TimeProvider.System);
        Fail(throttle, Attacker, "motriles", 2);

        var last = await throttle.BeginAsync(Attacker, "motriles", CancellationToken.None); // waited 400 ms, still admitted
        var queued = Enumerable.Range(0, 5).Select(_ => throttle.BeginAsync(Attacker, "motriles", CancellationToken.None).AsTask()).ToArray();
        await Task.Delay(50);
        Assert.All(queued, q => Assert.False(q.IsCompleted));

        throttle.Complete(last, succeeded: false);

        Assert.All(await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(10)), a => Assert.False(a.Admitted));
        Assert.True(last.Admitted);
    }

    [Fact]
    public async Task BeginAsyncReturnsAtOnceWithoutPenaltyAndHonoursCancellationWithoutLeakingItsReservation()
    {
        var throttle = new AuthThrottle(null, _time);
        var first = throttle.BeginAsync(Attacker, "motriles", CancellationToken.None);
        Assert.True(first.IsCompletedSuccessfully);
        throttle.Complete(await first, succeeded: false);
        Fail(throttle, Attacker, "motriles", 4);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await throttle.BeginAsync(Attacker, "motriles", cts.Token));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(Attacker, "motriles", out _, out _));
        }
    }

    [Fact]
    public void UnusableOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new AuthThrottle(new AuthThrottleOptions { MaxTrackedKeys = 0 }, _time));
        Assert.Throws<ArgumentException>(() => new AuthThrottle(new AuthThrottleOptions { MaxDelay = TimeSpan.FromMilliseconds(1) }, _time));
    }

    private static TimeSpan DelayOfNext(AuthThrottle throttle, IPAddress address)
    {
        throttle.TryReserve(address, null, out var attempt, out var delay);
        throttle.Complete(attempt, succeeded: true);
        return delay;
    }

    private static void Succeed(AuthThrottle throttle, IPAddress? address, string? account)
    {
        Assert.Equal(AuthThrottle.Reservation.Admitted, throttle.TryReserve(address, account, out var attempt, out _));
        throttle.Complete(attempt, succeeded: true);
    }

    private static void Fail(AuthThrottle throttle, IPAddress? address, string? account, int times)
    {
        for (var i = 0; i < times; i++)
        {
            if (throttle.TryReserve(address, account, out var attempt, out _) == AuthThrottle.Reservation.Admitted)
            {
                throttle.Complete(attempt, succeeded: false);
            }
        }
    }
}
