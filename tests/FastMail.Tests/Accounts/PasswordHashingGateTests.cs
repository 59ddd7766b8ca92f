using FastMail.Accounts.Authentication;

namespace FastMail.Tests.Accounts;

/// <summary>A login storm: at most the gate's slots hash at once, the others wait without a thread and all get their answer.</summary>
public sealed class PasswordHashingGateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task NoMoreVerificationsRunAtOnceThanTheGateHasSlots(int slots)
    {
        var gate = new PasswordHashingGate(slots);
        var running = 0;
        var mostAtOnce = 0;
        var release = new ManualResetEventSlim();
        bool Verify(int login)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            release.Wait(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref running);
            return login % 2 == 0;
        }

        var logins = Enumerable.Range(0, 12).Select(login => OnOwnThread(() => gate.RunAsync(login, Verify, CancellationToken.None))).ToArray();
        // Every slot fills (the storm really queues) before the hashes may finish.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == slots, TimeSpan.FromSeconds(10)), "the slots never filled");
        await Task.Delay(50);
        Assert.Equal(slots, Volatile.Read(ref running));
        release.Set();

        var results = await Task.WhenAll(logins);
        Assert.Equal(slots, mostAtOnce);
        Assert.Equal(Enumerable.Range(0, 12).Select(login => login % 2 == 0), results);
    }

    [Fact]
    public async Task ALoginCancelledWhileWaitingGivesUpItsPlaceAndLeaksNoSlot()
    {
        var gate = new PasswordHashingGate(1);
        var release = new ManualResetEventSlim();
        var holder = OnOwnThread(() => gate.RunAsync(0, _ => release.Wait(TimeSpan.FromSeconds(10)), CancellationToken.None));
        Assert.True(SpinWait.SpinUntil(() => !holder.IsCompleted && gate.Slots == 1, TimeSpan.FromSeconds(1)));
        await Task.Delay(50);

        using var cancel = new CancellationTokenSource();
        var waiting = gate.RunAsync(0, _ => true, cancel.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        release.Set();
        Assert.True(await holder);
        Assert.True(await gate.RunAsync(0, _ => true, CancellationToken.None));
    }

    [Fact]
    public void AGateNeedsAtLeastOneSlot()
    {
        Assert.InRange(PasswordHashingGate.DefaultSlots, 1, Math.Max(1, Environment.ProcessorCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHashingGate(0));
    }

    // The verifications that hold a slot block their thread until the test lets them go: on dedicated threads, so that the
    // thread pool, which the other tests running in parallel need, is not held up.
    private static Task<bool> OnOwnThread(Func<ValueTask<bool>> login) =>
        Task.Factory.StartNew(() => login().AsTask(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
