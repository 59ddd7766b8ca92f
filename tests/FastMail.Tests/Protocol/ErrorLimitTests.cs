using FastMail.Core.Protocol;

namespace FastMail.Tests.Protocol;

public sealed class ErrorLimitTests
{
    [Fact]
    public void TheLimitThErrorClosesAndNotOneBefore()
    {
        var errors = new ErrorLimit();
        for (var i = 1; i < 10; i++)
        {
            Assert.False(errors.CountAndCheck(10));
        }

        Assert.True(errors.CountAndCheck(10));
        Assert.Equal(10, errors.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ALimitOfZeroOrLessNeverCloses(int limit)
    {
        var errors = new ErrorLimit();
        for (var i = 0; i < 1000; i++)
        {
            Assert.False(errors.CountAndCheck(limit));
        }
    }

    [Fact]
    public void AfterResetTheCountStartsAgain()
    {
        var errors = new ErrorLimit();
        Assert.True(errors.CountAndCheck(1));
        errors.Reset();
        Assert.Equal(0, errors.Count);
        Assert.False(errors.CountAndCheck(2));
    }
}
