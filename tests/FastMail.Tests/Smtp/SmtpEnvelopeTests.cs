namespace FastMail.Tests.Smtp;

/// <summary>What the session hands the delivery step: the envelope as accepted, qualified, with its parameters.</summary>
public sealed class SmtpEnvelopeTests
{
    [Fact]
    public async Task TheStoredEnvelopeHoldsTheSenderEveryAcceptedRecipientAndTheDistinctMailboxes()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.Send("MAIL FROM:<sender@example.net> SIZE=10 BODY=8BITMIME");
        await script.Expect("250 2.1.0");
        await script.Send("RCPT TO:<Bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO: motriles");
        await script.Expect("250 2.1.5");
        await script.Send("RCPT TO:<nobody@example.com>");
        await script.Expect("550 5.1.1");
        await script.Send("RCPT TO:<bob@example.org>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("hello\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");

        var envelope = Assert.Single(host.Store.Envelopes);
        Assert.Equal("sender@example.net", envelope.Sender);
        Assert.Equal("SIZE=10 BODY=8BITMIME", envelope.SenderParameters);
        Assert.Equal(["Bob@example.com", "motriles@example.com", "bob@example.org"], envelope.Recipients);
        Assert.Equal(["bob", "motriles"], envelope.Mailboxes);
    }

    [Fact]
    public async Task ANullSenderAndAnUnqualifiedSenderAreStoredAsTheSessionSawThem()
    {
        var host = new SmtpHost();
        await using var script = await host.Connect();
        await script.Send("HELO client.example.net");
        await script.Expect("250");
        foreach (var sender in new[] { "<>", " postmaster" })
        {
            await script.Send("MAIL FROM:" + sender);
            await script.Expect("250 2.1.0");
            await script.Send("RCPT TO:<bob@example.com>");
            await script.Expect("250 2.1.5");
            await script.Send("DATA");
            await script.Expect("354");
            await script.SendRaw("hello\r\n.\r\n");
            await script.Expect("250 2.0.0 Ok: queued as ");
        }

        Assert.Equal(["", "postmaster@example.com"], host.Store.Envelopes.Select(e => e.Sender));
        Assert.All(host.Store.Envelopes, e => Assert.Equal(["bob@example.com"], e.Recipients));
    }
}
