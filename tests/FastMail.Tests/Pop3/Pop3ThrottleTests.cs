using FastMail.Accounts.Throttling;
using FastMail.Tests.Sasl;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Pop3;

/// <summary>Every password check (PASS, APOP, AUTH) is admitted by the login throttle first; failures are logged without secrets.</summary>
public sealed class Pop3ThrottleTests
{
    private const string InvalidCredentials = "-ERR [AUTH] Invalid user name or password";
    private const string AuthFailed = "-ERR [AUTH] Authentication failed";

    [Fact]
    public async Task PassIsAdmittedByTheThrottleBeforeEachCheckAndEndedWithItsOutcome()
    {
        var throttle = new RecordingThrottle();
        var host = new Pop3TestHost().WithSasl(throttle).WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS wrong");
        await script.ExpectLine(InvalidCredentials);
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");

        Assert.Equal(
            ["begin 127.0.0.1 motriles", "failure 127.0.0.1 motriles", "begin 127.0.0.1 motriles", "success 127.0.0.1 motriles"],
            throttle.Calls);
    }

    [Fact]
    public async Task ALockedOutPassGetsTheWrongPasswordReplyWithoutACheckEvenWhenThePasswordIsRight()
    {
        var throttle = new RecordingThrottle();
        throttle.LockedAccounts.Add("motriles");
        var host = new Pop3TestHost().WithSasl(throttle).WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");

        await script.ExpectLine(InvalidCredentials);
        Assert.Equal(["begin 127.0.0.1 motriles"], throttle.Calls);
    }

    [Fact]
    public async Task TheRealThrottleLocksOutAfterRepeatedFailuresWithTheSameReplyAsAWrongPassword()
    {
        var throttle = new AuthThrottle(new AuthThrottleOptions { FreeFailures = 10, LockoutFailures = 2 });
        var host = new Pop3TestHost().WithSasl(throttle).WithTutorialMailbox();
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);
        var scram = new ScramTestClient("motriles", "wrong");

        // Two wrong SCRAM proofs lock the address and the account out.
        for (var i = 0; i < 2; i++)
        {
            await script.Send("AUTH SCRAM-SHA-256 " + Pop3SaslTests.B64(scram.ClientFirst()));
            var serverFirst = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((await script.Expect("+ "))[2..]));
            await script.Send(Pop3SaslTests.B64(scram.ClientFinal(serverFirst)));
            await script.ExpectLine(AuthFailed);
        }

        // The right password now fails the same way.
        var right = new ScramTestClient("motriles", "jose");
        await script.Send("AUTH SCRAM-SHA-256 " + Pop3SaslTests.B64(right.ClientFirst()));
        var first = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((await script.Expect("+ "))[2..]));
        await script.Send(Pop3SaslTests.B64(right.ClientFinal(first)));
        await script.ExpectLine(AuthFailed);
        Assert.True(throttle.IsLockedOut(Pop3TestHost.RemoteClient.Address, "motriles"));
    }

    [Fact]
    public async Task ALockedOutAuthPlainGetsTheFailureReplyWithoutCheckingThePassword()
    {
        var throttle = new RecordingThrottle();
        throttle.LockedAccounts.Add("motriles");
        var host = new Pop3TestHost().WithSasl(throttle).WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH PLAIN " + Pop3SaslTests.Plain("motriles", "jose"));

        await script.ExpectLine(AuthFailed);
        Assert.Equal(0, host.SaslCredentials.PasswordChecks);
        await script.Send("AUTH PLAIN " + Pop3SaslTests.Plain("ana", "wrong"));
        await script.ExpectLine(AuthFailed);
        Assert.Equal(1, host.SaslCredentials.PasswordChecks);
    }

    [Fact]
    public async Task AuthLoginIsThrottledOnThePasswordStepUnderTheNameItGave()
    {
        var throttle = new RecordingThrottle();
        var host = new Pop3TestHost().WithSasl(throttle).WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("AUTH LOGIN " + Pop3SaslTests.B64("motriles"));
        await script.Expect("+ ");
        Assert.Empty(throttle.Calls);
        await script.Send(Pop3SaslTests.B64("jose"));
        await script.Expect("+OK Mailbox locked and ready");

        Assert.Equal(["begin 127.0.0.1 motriles", "success 127.0.0.1 motriles"], throttle.Calls);
    }

    [Fact]
    public async Task ScramAttemptsAreCountedUnderTheAccountNamedInTheClientFirstMessage()
    {
        var throttle = new RecordingThrottle();
        var host = new Pop3TestHost().WithSasl(throttle);
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);
        var scram = new ScramTestClient("a,b=c", "wrong");

        await script.Send("AUTH SCRAM-SHA-256 " + Pop3SaslTests.B64(scram.ClientFirst()));
        var serverFirst = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((await script.Expect("+ "))[2..]));
        await script.Send(Pop3SaslTests.B64(scram.ClientFinal(serverFirst)));
        await script.ExpectLine(AuthFailed);

        Assert.Equal(["begin 203.0.113.7 a,b=c", "failure 203.0.113.7 a,b=c"], throttle.Calls);
    }

    [Fact]
    public async Task ALockedOutApopGetsTheWrongDigestReply()
    {
        var throttle = new RecordingThrottle();
        throttle.LockedAccounts.Add("motriles");
        var host = new Pop3TestHost().WithSasl(throttle).WithTutorialMailbox();
        host.Options.EnableApop = true;
        host.Directory.AddUser("motriles", "jose", apopSecret: "tanstaaf");
        await using var script = host.Start();
        var greeting = await script.Expect(Pop3TestHost.Greeting);
        var timestamp = greeting[greeting.IndexOf('<', StringComparison.Ordinal)..];

        await script.Send("APOP motriles " + Pop3ApopTests.Digest(timestamp, "tanstaaf"));
        await script.ExpectLine(InvalidCredentials);
        throttle.LockedAccounts.Clear();
        await script.Send("APOP motriles " + Pop3ApopTests.Digest(timestamp, "tanstaaf"));
        await script.Expect("+OK Mailbox locked and ready");

        Assert.Equal(["begin 127.0.0.1 motriles", "begin 127.0.0.1 motriles", "success 127.0.0.1 motriles"], throttle.Calls);
    }

    [Fact]
    public async Task FailedLoginsAreLoggedAsWarningsWithTheClientAddressAndNeverThePassword()
    {
        var logger = new RecordingLogger();
        var host = new Pop3TestHost().WithSasl();
        host.Options.AllowPlaintextAuthWithoutTls = true;
        host.Logger = logger;
        await using var script = host.Start(Pop3TestHost.RemoteClient);
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS hunter2-secret");
        await script.ExpectLine(InvalidCredentials);
        await script.Send("AUTH PLAIN " + Pop3SaslTests.Plain("nobody", "other-secret"));
        await script.ExpectLine(AuthFailed);

        var failures = logger.Entries.Where(e => e.EventId == 6003).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, entry =>
        {
            Assert.Equal(LogLevel.Warning, entry.Level);
            Assert.Contains("203.0.113.7", entry.Message, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("secret", StringComparison.Ordinal)
            || e.Message.Contains("nobody", StringComparison.Ordinal) || e.Message.Contains("motriles", StringComparison.Ordinal));
    }
}
