using FastMail.Load.Simulations;

namespace FastMail.Load.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public async Task ConstantRateHandsOutIntendedStartsOnAFixedGridWhateverTheWorkersDo()
    {
        var clock = new RunClock(TimeSpan.Zero, TimeSpan.FromSeconds(0.2));
        var schedule = new ConstantRate(rate: 100, maxInFlight: 4, maxOperations: 1000);
        var starts = new List<TimeSpan>();
        while (await schedule.NextAsync(clock, CancellationToken.None) is { } start)
        {
            starts.Add(start);
            // A slow operation must not move the next intended start (coordinated omission).
            await Task.Delay(15);
        }
        Assert.Equal(20, starts.Count);
        for (var k = 0; k < starts.Count; k++)
        {
            Assert.Equal(TimeSpan.FromSeconds(k / 100.0), starts[k]);
        }
    }

    [Fact]
    public async Task ConstantRateStopsAtTheCountBound()
    {
        var clock = new RunClock(TimeSpan.Zero, TimeSpan.FromMinutes(10));
        var schedule = new ConstantRate(rate: 100_000, maxInFlight: 1, maxOperations: 5);
        var n = 0;
        while (await schedule.NextAsync(clock, CancellationToken.None) is not null)
        {
            n++;
        }
        Assert.Equal(5, n);
    }

    [Fact]
    public async Task ConstantConcurrencyStopsAtTheCountBoundAndAtTheDeadline()
    {
        var longRun = new RunClock(TimeSpan.Zero, TimeSpan.FromMinutes(10));
        var counted = new ConstantConcurrency(concurrency: 2, maxOperations: 7);
        var n = 0;
        while (await counted.NextAsync(longRun, CancellationToken.None) is not null)
        {
            n++;
        }
        Assert.Equal(7, n);

        var shortRun = new RunClock(TimeSpan.Zero, TimeSpan.FromMilliseconds(30));
        var timed = new ConstantConcurrency(concurrency: 2, maxOperations: long.MaxValue);
        await Task.Delay(40);
        Assert.Null(await timed.NextAsync(shortRun, CancellationToken.None));
    }
}
