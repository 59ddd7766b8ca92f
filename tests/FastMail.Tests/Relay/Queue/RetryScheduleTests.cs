using FastMail.Relay.Queue;

namespace FastMail.Tests.Relay.Queue;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Arrived = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly RetrySchedule _schedule = new(new QueueOptions());

    [Fact]
    public void DefaultsAreThoseOfPostfix()
    {
        var options = new QueueOptions();
        Assert.Equal(TimeSpan.FromMinutes(5), options.FirstRetry);
        Assert.Equal(TimeSpan.FromSeconds(4000), options.MaxRetry);
        Assert.Equal(TimeSpan.FromDays(5), options.GiveUpAfter);
        Assert.Equal(TimeSpan.FromHours(4), options.DelayWarningAfter);
    }

    [Fact]
    public void AMessageNeverTriedIsDueNow()
    {
        var now = Arrived.AddSeconds(3);
        Assert.Equal(now, _schedule.NextAttempt(Arrived, 0, now));
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 600)]
    [InlineData(3, 1200)]
    [InlineData(4, 2400)]
    [InlineData(5, 4000)]
    [InlineData(6, 4000)]
    [InlineData(50, 4000)]
    [InlineData(int.MaxValue, 4000)]
    public void TheWaitDoublesFromFirstRetryUpToMaxRetry(int attempts, int seconds)
    {
        var now = Arrived.AddMinutes(1);
        Assert.Equal(TimeSpan.FromSeconds(seconds), _schedule.Backoff(attempts));
        Assert.Equal(now.AddSeconds(seconds), _schedule.NextAttempt(Arrived, attempts, now));
    }

    [Fact]
    public void TheWaitFollowsTheConfiguredBounds()
    {
        var schedule = new RetrySchedule(new QueueOptions { FirstRetry = TimeSpan.FromSeconds(10), MaxRetry = TimeSpan.FromSeconds(25) });
        Assert.Equal(TimeSpan.FromSeconds(10), schedule.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(20), schedule.Backoff(2));
        Assert.Equal(TimeSpan.FromSeconds(25), schedule.Backoff(3));
    }

    [Fact]
    public void TheLastAttemptHappensAtTheGiveUpTimeNotAfterIt()
    {
        var giveUpAt = Arrived + TimeSpan.FromDays(5);
        var now = giveUpAt - TimeSpan.FromMinutes(10);
        Assert.Equal(giveUpAt, _schedule.NextAttempt(Arrived, 30, now));
        Assert.Equal(giveUpAt, _schedule.GiveUpAt(Arrived));
    }

    [Fact]
    public void PastTheGiveUpTimeTheNextAttemptIsNow()
    {
        var now = Arrived + TimeSpan.FromDays(6);
        Assert.Equal(now, _schedule.NextAttempt(Arrived, 30, now));
    }

    [Fact]
    public void GivesUpOnlyOnceTheQueueLifetimeHasPassed()
    {
        Assert.False(_schedule.ShouldGiveUp(Arrived, Arrived + TimeSpan.FromDays(5) - TimeSpan.FromSeconds(1)));
        Assert.True(_schedule.ShouldGiveUp(Arrived, Arrived + TimeSpan.FromDays(5)));
        Assert.True(_schedule.ShouldGiveUp(Arrived, Arrived + TimeSpan.FromDays(9)));
    }

    [Fact]
    public void WarnsOnceAfterTheDelayWarningTime()
    {
        Assert.False(_schedule.ShouldWarn(Arrived, Arrived + TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1), alreadyWarned: false));
        Assert.True(_schedule.ShouldWarn(Arrived, Arrived + TimeSpan.FromHours(4), alreadyWarned: false));
        Assert.False(_schedule.ShouldWarn(Arrived, Arrived + TimeSpan.FromHours(5), alreadyWarned: true));
    }

    [Fact]
    public void DoesNotWarnWhenTheMessageIsGivenUpAnyway()
    {
        Assert.False(_schedule.ShouldWarn(Arrived, Arrived + TimeSpan.FromDays(5), alreadyWarned: false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void WarningsAreOffWhenTheDelayWarningTimeIsNullOrZero(int? hours)
    {
        var schedule = new RetrySchedule(new QueueOptions { DelayWarningAfter = hours is null ? null : TimeSpan.FromHours(hours.Value) });
        Assert.False(schedule.ShouldWarn(Arrived, Arrived + TimeSpan.FromDays(1), alreadyWarned: false));
    }

    [Fact]
    public void RejectsBoundsThatCannotWork()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrySchedule(new QueueOptions { FirstRetry = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrySchedule(new QueueOptions { FirstRetry = TimeSpan.FromHours(2), MaxRetry = TimeSpan.FromHours(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrySchedule(new QueueOptions { GiveUpAfter = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _schedule.NextAttempt(Arrived, -1, Arrived));
    }
}
