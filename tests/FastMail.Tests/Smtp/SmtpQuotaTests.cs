namespace FastMail.Tests.Smtp;

/// <summary>Per-mailbox quotas at RCPT (452 4.2.2) and after DATA (552 5.2.2, or delivery to the rest).</summary>
public sealed class SmtpQuotaTests
{
    [Fact]
    public async Task RcptToAFullMailboxGets452MailboxFullAndTheTransactionGoesOn()
    {
        var host = new SmtpHost();
        host.Store.Add("bob", new string('x', 1000));
        host.Directory.SetQuota("bob", 1000);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<Bob@example.com>");
        Assert.Equal("452 4.2.2 <Bob@example.com>: Mailbox full", await script.ReadLine());
        await script.Send("RCPT TO:<motriles@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("hello\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Single(host.Store.Messages("motriles"));
        Assert.Single(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task A452ForAFullMailboxDoesNotCountAsAnError()
    {
        var host = new SmtpHost(options => options.MaxErrors = 2);
        host.Store.Add("bob", "x");
        host.Directory.SetQuota("bob", 1);
        await using var script = await host.ConnectWithSender();
        for (var i = 0; i < 3; i++)
        {
            await script.Send("RCPT TO:<bob@example.com>");
            await script.Expect("452 4.2.2 ");
        }

        await script.Send("NOOP");
        await script.Expect("250");
    }

    [Fact]
    public async Task RcptBelowTheQuotaIsAcceptedAndAZeroQuotaIsUnlimited()
    {
        var host = new SmtpHost();
        host.Store.Add("bob", new string('x', 999));
        host.Store.Add("motriles", new string('x', 100_000));
        host.Directory.SetQuota("bob", 1000).SetQuota("motriles", 0);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<motriles@example.com>");
        await script.Expect("250 2.1.5");
    }

    [Fact]
    public async Task AMessageThatWouldPassTheOnlyRecipientsQuotaGets552AfterData()
    {
        var host = new SmtpHost();
        host.Directory.SetQuota("bob", 2000);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw(new string('y', 3000) + "\r\n.\r\n");
        Assert.Equal("552 5.2.2 Mailbox full", await script.ReadLine());
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);
        Assert.Equal(1, host.Recorder.Disposed);

        // The transaction was reset; a small message fits.
        await script.Send("MAIL FROM:<a@example.net>");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("small\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Single(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task OnlyTheRecipientsWithRoomGetTheMessageAndTheReplyIs250()
    {
        var host = new SmtpHost();
        host.Directory.SetQuota("bob", 2000).SetQuota("motriles", 1_000_000);
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<motriles@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw(new string('y', 3000) + "\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Single(host.Store.Messages("motriles"));
        Assert.Contains(host.Logger.Entries, entry => entry.Message.Contains("not delivered to bob, over its quota", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheQuotaCountsTheStoredSizeIncludingTraceHeaders()
    {
        var host = new SmtpHost();
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("x\r\n.\r\n");
        await script.Expect("250 2.0.0");
        var stored = host.Store.GetMailboxUsage("bob");

        // Room for exactly one more message of the same size: the next one fits, the one after does not.
        host.Directory.SetQuota("bob", 2 * stored);
        for (var i = 0; i < 2; i++)
        {
            await script.Send("MAIL FROM:<sender@example.net>");
            await script.Expect("250 2.1.0");
            await script.Send("RCPT TO:<bob@example.com>");
            if (i == 1)
            {
                await script.Expect("452 4.2.2 <bob@example.com>: Mailbox full");
                break;
            }

            await script.Expect("250 2.1.5");
            await script.Send("DATA");
            await script.Expect("354");
            await script.SendRaw("x\r\n.\r\n");
            await script.Expect("250 2.0.0");
        }

        Assert.Equal(2 * stored, host.Store.GetMailboxUsage("bob"));
    }
}
