using System.Text;
using FastMail.Smtp;
using FastMail.Tests.TestKit;
using static FastMail.Tests.Smtp.SmtpAuthKit;

namespace FastMail.Tests.Smtp;

/// <summary>Listener policies: RequireAuth, the local sender policy, the greeting delay and the minimum data rate.</summary>
public sealed class SmtpPolicyTests
{
    [Fact]
    public async Task RequireAuthRefusesMailUntilTheClientAuthenticates()
    {
        var host = new SmtpHost(o => o.RequireAuth = true, Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("MAIL FROM:<bob@example.com>");
        Assert.Equal("530 5.7.0 Authentication required", await script.ReadLine());
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        await script.Expect("235 ");
        await script.Send("MAIL FROM:<bob@example.com>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
    }

    [Theory]
    [InlineData(LocalSenderPolicy.Accept, "MAIL FROM:<motriles@example.org>", "250 2.1.0 Ok", false)]
    [InlineData(LocalSenderPolicy.AcceptAndMark, "MAIL FROM:<motriles@example.org>", "250 2.1.0 Ok", true)]
    [InlineData(LocalSenderPolicy.AcceptAndMark, "MAIL FROM: motriles", "250 2.1.0 Ok", true)]
    [InlineData(LocalSenderPolicy.AcceptAndMark, "MAIL FROM:<someone@example.net>", "250 2.1.0 Ok", false)]
    [InlineData(LocalSenderPolicy.AcceptAndMark, "MAIL FROM:<>", "250 2.1.0 Ok", false)]
    [InlineData(LocalSenderPolicy.Reject, "MAIL FROM:<motriles@EXAMPLE.com>", "550 5.7.1 Sender address rejected: authentication required for local senders", false)]
    [InlineData(LocalSenderPolicy.Reject, "MAIL FROM:<>", "250 2.1.0 Ok", false)]
    [InlineData(LocalSenderPolicy.Reject, "MAIL FROM:<someone@example.net>", "250 2.1.0 Ok", false)]
    public async Task UnauthenticatedLocalSenderFollowsThePolicy(LocalSenderPolicy policy, string mailFrom, string reply, bool marked)
    {
        var host = new SmtpHost(o => o.LocalSenderPolicy = policy);
        await using var script = await host.ConnectFrom(Internet);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send(mailFrom);
        Assert.Equal(reply, await script.ReadLine());
        if (!reply.StartsWith("250", StringComparison.Ordinal))
        {
            return;
        }

        await script.SendRaw("RCPT TO:<bob@example.com>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n");
        await script.Expect("250 2.1.5");
        await script.Expect("354 ");
        await script.Expect("250 2.0.0 Ok: queued as ");
        var stored = Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("bob")));
        var headers = stored[..stored.IndexOf("Subject: x", StringComparison.Ordinal)];
        Assert.Equal(marked, headers.EndsWith("+0000\r\nX-FastMail-Unauthenticated-Sender: yes\r\n", StringComparison.Ordinal));
        Assert.Equal(marked, stored.Contains("X-FastMail-Unauthenticated-Sender", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthenticatedLocalSenderIsNeitherRejectedNorMarked()
    {
        var host = new SmtpHost(o => o.LocalSenderPolicy = LocalSenderPolicy.Reject, Security());
        await using var script = await host.ConnectFrom(Loopback);
        await script.Send("EHLO client");
        await script.ExpectSmtpMultiline("250");
        await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
        await script.Expect("235 ");
        await script.Send("MAIL FROM:<bob@example.com>");
        Assert.Equal("250 2.1.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task EarlyTalkerGets554AndIsDisconnected()
    {
        var host = new SmtpHost(o => o.GreetingDelay = TimeSpan.FromSeconds(5));
        await using var script = new TestKit.SessionScript(pipe => host.Handler.RunAsync(pipe, Internet, default));
        await script.Send("EHLO bot.example");
        Assert.Equal("554 5.5.0 Protocol error: data sent before greeting", await script.ReadLine());
        Assert.True(await script.IsClosed());
        Assert.Contains(host.Logger.Entries, e => e.EventId == 5013);
    }

    [Fact]
    public async Task PatientClientGetsTheGreetingAfterTheDelay()
    {
        var host = new SmtpHost(o => o.GreetingDelay = TimeSpan.FromMilliseconds(200));
        await using var script = new TestKit.SessionScript(pipe => host.Handler.RunAsync(pipe, Internet, default));
        Assert.Equal("220 mx.example.com ESMTP FastMail", await script.ReadLine());
        await script.Send("NOOP");
        Assert.Equal("250 2.0.0 Ok", await script.ReadLine());
    }

    [Fact]
    public async Task DataSentSlowerThanTheMinimumRateGets421AndNothingIsStored()
    {
        var clock = new ManualClock();
        var host = new SmtpHost(o => o.MinDataRate = 1024, time: clock);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354 ");
        await script.SendRaw("Subject: slow\r\n");
        await script.SendRaw("a\r\n");
        clock.Advance(TimeSpan.FromSeconds(10));
        await script.SendRaw("still within the grace period\r\n");
        clock.Advance(TimeSpan.FromSeconds(25));
        await script.SendRaw("b\r\n");
        Assert.Equal("421 4.4.2 mx.example.com Error: data too slow", await script.ReadLine());
        Assert.True(await script.IsClosed());
        await script.Session;
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(1, host.Recorder.Disposed);
    }

    [Fact]
    public async Task DataAtTheMinimumRateIsAccepted()
    {
        var clock = new ManualClock();
        var host = new SmtpHost(o => o.MinDataRate = 1024, time: clock);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354 ");
        var line = new string('x', 998) + "\r\n";
        for (var second = 0; second < 40; second++)
        {
            await script.SendRaw(line + line);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await script.SendRaw(".\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Single(host.Store.Messages("bob"));
    }
}
