using System.Net;
using FastMail.Tests.Pop3;
using static FastMail.Tests.Smtp.SmtpAuthKit;

namespace FastMail.Tests.Smtp;

/// <summary>Every AUTH password check is admitted by the throttle first and ended with its outcome.</summary>
public sealed class SmtpAuthThrottleTests
{
    [Fact]
    public async Task LockedOutClientGetsTheOrdinaryFailureWithoutAPasswordCheck()
    {
        var credentials = Credentials();
        var throttle = new RecordingThrottle { LockedOut = true };
        var host = new SmtpHost(security: Security(credentials, throttle));
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());
        Assert.Equal(0, credentials.PasswordChecks);
        Assert.Equal(["begin 127.0.0.1 bob"], throttle.Calls);
    }

    [Fact]
    public async Task EachPasswordCheckIsAdmittedPerAddressAndAccountAndEndedWithItsOutcome()
    {
        var throttle = new RecordingThrottle();
        var host = new SmtpHost(security: Security(throttle: throttle));
        await using var script = await host.ConnectFrom(Internet);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");

        var scram = new Sasl.ScramTestClient("bob", "wrong");
        await script.Send("AUTH SCRAM-SHA-256 " + B64(scram.ClientFirst()));
        var serverFirst = FromB64((await script.Expect("334 "))[4..]);
        await script.Send(B64(scram.ClientFinal(serverFirst)));
        await script.Expect("535 ");
        Assert.Equal(["begin 203.0.113.5 bob", "failure 203.0.113.5 bob"], throttle.Calls);

        throttle.Calls.Clear();
        scram = new Sasl.ScramTestClient("bob", "secret");
        await script.Send("AUTH SCRAM-SHA-256 " + B64(scram.ClientFirst()));
        serverFirst = FromB64((await script.Expect("334 "))[4..]);
        await script.Send(B64(scram.ClientFinal(serverFirst)));
        await script.Expect("334 ");
        await script.Send("");
        await script.Expect("235 ");
        Assert.Equal(["begin 203.0.113.5 bob", "success 203.0.113.5 bob"], throttle.Calls);
    }

    [Fact]
    public async Task LoginIsThrottledOnItsPasswordStepWithTheNameFromTheFirst()
    {
        var throttle = new RecordingThrottle();
        var host = new SmtpHost(security: Security(throttle: throttle));
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH LOGIN " + B64("mallory"));
        await script.Expect("334 ");
        Assert.Empty(throttle.Calls);
        await script.Send(B64("guess"));
        await script.Expect("535 ");
        Assert.Equal(["begin 127.0.0.1 mallory", "failure 127.0.0.1 mallory"], throttle.Calls);
    }

    [Fact]
    public async Task RealThrottleLocksOutAfterRepeatedFailures()
    {
        var throttle = new FastMail.Accounts.Throttling.AuthThrottle(
            new FastMail.Accounts.Throttling.AuthThrottleOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, LockoutFailures = 3 });
        var credentials = Credentials();
        var host = new SmtpHost(o => o.MaxErrors = 1000, Security(credentials, throttle));
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        var attempts = 0;
        while (!throttle.IsLockedOut(IPAddress.Loopback, "bob") && attempts++ < 100)
        {
            await script.Send("AUTH PLAIN " + Plain("bob", "wrong"));
            await script.Expect("535 ");
        }

        Assert.True(attempts < 100, "the throttle locked the client out");
        var checks = credentials.PasswordChecks;
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await script.ReadLine());
        Assert.Equal(checks, credentials.PasswordChecks);
    }
}
