using FastMail.Core.Protocol;
using FastMail.Delivery;
using FastMail.Smtp;
using FastMail.Smtp.Session;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Smtp;

/// <summary>
/// Regression for the loop that treated any unmatched ProcessResult as a commit (<c>var message = _message!;</c>):
/// every result is named, and one that is not is a bug that ends the session with 421, never a commit.
/// </summary>
public sealed class SmtpSessionStepTests
{
    [Fact]
    public void AnUnnamedProcessResultIsAFaultNotACommit() =>
        Assert.Equal(SessionStep.Fault, NewSession().ToStep((ProcessResult)99));

    [Fact]
    public async Task AnAwaitedStepWithNothingPendingIsAFaultNotACommit()
    {
        ISessionProtocol session = NewSession();
        Assert.Equal(SessionStep.Fault, await session.RunPendingAsync());
    }

    [Theory]
    [InlineData((int)ProcessResult.Continue, (int)SessionStep.Continue)]
    [InlineData((int)ProcessResult.NeedMoreData, (int)SessionStep.NeedMoreData)]
    [InlineData((int)ProcessResult.Commit, (int)SessionStep.FlushThenAwait)]
    [InlineData((int)ProcessResult.Authenticate, (int)SessionStep.FlushThenAwait)]
    [InlineData((int)ProcessResult.StartTls, (int)SessionStep.StartTls)]
    [InlineData((int)ProcessResult.Close, (int)SessionStep.Close)]
    [InlineData((int)ProcessResult.Fault, (int)SessionStep.Fault)]
    public void EveryProcessResultHasItsStep(int result, int step) =>
        Assert.Equal((SessionStep)step, NewSession().ToStep((ProcessResult)result));

    private static SmtpSession NewSession()
    {
        var directory = new FakeDirectory("example.com");
        var context = new SmtpServerContext(
            new SmtpOptions { HostName = "mx.example.com" }, directory, new MailDelivery(directory, directory, new InMemoryMailStore(), NullLogger.Instance), NullLogger.Instance, TimeProvider.System);
        return new SmtpSession(context);
    }
}
