using FastMail.IntegrationTests.Harness;
using FastMail.Relay.Queue;
using FastMail.Testing.Relay;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FastMail.IntegrationTests;

/// <summary>
/// Store-and-forward end to end, on loopback only: FastMail A queues mail for remote domains and delivers it to
/// FastMail B, to scripted next hops that refuse, defer, drop or stall, and through MX records served by a local DNS
/// server. What the user sees: the mail arrives once, or a DSN comes back to the sender's mailbox.
/// </summary>
public sealed class OutboundRelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnAuthenticatedUserOfOneServerSendsToBobWhoReadsItOverPop3OnTheOther()
    {
        await using var b = TestServer.Start([("bob", "pw")], ("primaryDomain", "b.test"));
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"b.test=127.0.0.1:{b.SmtpPort}"));

        await SendAuthenticatedAsync(a.SmtpPort, "motriles@fastmail.test", "bob@b.test", "Hello Bob", "Across the relay.\r\n");

        var received = await WaitForMessageAsync(b.Pop3Port, "bob", "pw");
        Assert.Equal("Hello Bob", received.Subject);
        Assert.Equal("Across the relay.", received.TextBody?.Trim());
        Assert.Equal("motriles@fastmail.test", received.From.Mailboxes.Single().Address);
        await WaitUntilAsync(() => a.Queue.Count == 0, "A's queue to empty");
    }

    [Fact]
    public async Task AnAliasWithALocalAndARemoteTargetDeliversToBothAndPostmasterIsAccepted()
    {
        await using var b = TestServer.Start([("carol", "pw")], ("primaryDomain", "b.test"));
        var dataDirectory = TempDirectory.Create("it");
        Harness.Accounts.AddUser(dataDirectory, "motriles", "jose");
        Harness.Accounts.AddAlias(dataDirectory, "team@fastmail.test", "motriles", "carol@b.test");
        await using var a = TestServer.Start(dataDirectory, [], ("relay.routes", $"b.test=127.0.0.1:{b.SmtpPort}"));

        // An outside sender, not authenticated: the alias is the server's own forwarding, not a relay for the sender.
        await using (var smtp = await LineClient.ConnectAsync(a.SmtpPort))
        {
            await smtp.ExpectAsync("220");
            await smtp.SendRawAsync("EHLO outside.example\r\nMAIL FROM:<someone@outside.example>\r\nRCPT TO:<team@fastmail.test>\r\nRCPT TO:<POSTMASTER>\r\nDATA\r\n");
            await smtp.ExpectSmtpAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250 2.1.5");
            await smtp.ExpectAsync("250 2.1.5");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync("Subject: to the team\r\n\r\nhello team\r\n.\r\n");
            await smtp.ExpectAsync("250");
        }

        var atCarol = await WaitForMessageAsync(b.Pop3Port, "carol", "pw");
        Assert.Equal("to the team", atCarol.Subject);

        // motriles gets one copy: the alias and postmaster (the only account) name the same mailbox.
        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", a.Pop3Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync("motriles", "jose");
        Assert.Equal(1, await pop.GetMessageCountAsync());
    }

    [Fact]
    public async Task APermanentRefusalBouncesAnRfc3464DsnToTheSender()
    {
        await using var peer = new ScriptedSmtpPeer();
        peer.RcptReplies["nobody@bad.test"] = "550 5.1.1 <nobody@bad.test>: no such user";
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"bad.test=127.0.0.1:{peer.Port}"));

        await SendAuthenticatedAsync(a.SmtpPort, "motriles@fastmail.test", "nobody@bad.test", "Doomed", "This will bounce.\r\n");

        var dsn = await WaitForMessageAsync(a.Pop3Port, "motriles", "jose");
        Assert.Equal("MAILER-DAEMON@fastmail.test", dsn.From.Mailboxes.Single().Address);
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = report.OfType<MessageDeliveryStatus>().Single();
        var recipient = status.StatusGroups[1];
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Contains("nobody@bad.test", recipient["Final-Recipient"], StringComparison.Ordinal);
        Assert.Contains("550 5.1.1", recipient["Diagnostic-Code"], StringComparison.Ordinal);
        var original = report.OfType<MessagePart>().Single().Message;
        Assert.Equal("Doomed", original?.Subject);
        await WaitUntilAsync(() => a.Queue.Count == 0, "the bounced message to leave the queue");
    }

    [Fact]
    public async Task ATemporaryRefusalIsRetriedAndTheMessageArrivesOnce()
    {
        await using var peer = new ScriptedSmtpPeer();
        var refusals = 0;
        peer.Reply = line => line.StartsWith("RCPT", StringComparison.OrdinalIgnoreCase) && Interlocked.Increment(ref refusals) == 1 ? "451 4.3.0 try again later" : null;
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"later.test=127.0.0.1:{peer.Port}"), ("queue.firstRetry", "500ms"));

        await SendAuthenticatedAsync(a.SmtpPort, "motriles@fastmail.test", "someone@later.test", "Patience", "Second time lucky.\r\n");

        await WaitUntilAsync(() => peer.Data.Count == 1 && a.Queue.Count == 0, "the retry to deliver");
        Assert.True(refusals >= 2, "the first attempt was refused and a second one made");
        Assert.Contains("Second time lucky.", System.Text.Encoding.ASCII.GetString(peer.Data[0]), StringComparison.Ordinal);
        await Task.Delay(1500);
        Assert.Single(peer.Data);
    }

    [Fact]
    public async Task AConnectionDroppedMidDataIsRetried()
    {
        await using var peer = new ScriptedSmtpPeer { DropMidData = true };
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"drop.test=127.0.0.1:{peer.Port}"), ("queue.firstRetry", "500ms"));

        var id = await QueueOneAsync(a, "someone@drop.test");
        await WaitUntilAsync(() => a.Queue.Find(id) is { } info && info.Recipients[0].Attempts >= 1, "a first attempt");
        var first = a.Queue.Find(id)!.Recipients[0];
        Assert.Equal(QueuedRecipientState.Pending, first.State);
        Assert.Contains("4.4.2", first.LastReply, StringComparison.Ordinal);

        peer.DropMidData = false;
        await WaitUntilAsync(() => a.Queue.Count == 0 && peer.Data.Count == 1, "the retry to deliver");
    }

    [Fact]
    public async Task ASlowNextHopTimesOutAndTheMessageStaysQueued()
    {
        await using var peer = new ScriptedSmtpPeer { SlowVerb = "MAIL", SlowDelay = TimeSpan.FromSeconds(20) };
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"slow.test=127.0.0.1:{peer.Port}"), ("relay.commandTimeout", "300ms"));

        var id = await QueueOneAsync(a, "someone@slow.test");
        await WaitUntilAsync(() => a.Queue.Find(id) is { } info && info.Recipients[0].Attempts >= 1, "the attempt to time out");
        var recipient = a.Queue.Find(id)!.Recipients[0];
        Assert.Equal(QueuedRecipientState.Pending, recipient.State);
        Assert.True(recipient.NextAttempt > DateTimeOffset.UtcNow.AddMinutes(4), "the first retry waits queue.firstRetry (5 minutes)");
        Assert.Empty(peer.Data);
    }

    [Fact]
    public async Task MailForADomainGoesToItsMxFromALocalDnsServer()
    {
        await using var b = TestServer.Start([("dave", "pw")], ("primaryDomain", "mx.test"));
        await using var dns = new TestDnsServer();
        dns.AddMx("mx.test", 20, "backup.mx.test").AddMx("mx.test", 10, "primary.mx.test").AddAddress("primary.mx.test", "127.0.0.1");
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.dnsServer", dns.EndPoint.ToString()), ("relay.port", b.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await SendAuthenticatedAsync(a.SmtpPort, "motriles@fastmail.test", "dave@mx.test", "Via MX", "Found you.\r\n");

        var received = await WaitForMessageAsync(b.Pop3Port, "dave", "pw");
        Assert.Equal("Via MX", received.Subject);
        Assert.Contains(dns.Queries, q => q.Contains("mx.test", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task PostfixAsTheNextHopReceivesTheMessageByteForByteInItsMaildir()
    {
        await using var postfix = await PostfixPeer.StartAsync("pf.test", "erin");
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"pf.test=127.0.0.1:{postfix.Port}"));
        var body = "Line one\r\n.a line that starts with a dot\r\n" + new string('x', 5000) + "\r\n";

        await SendAuthenticatedAsync(a.SmtpPort, "motriles@fastmail.test", "erin@pf.test", "To a real MTA", body);

        await WaitUntilAsync(() => postfix.Messages("erin").Count == 1, "Postfix to deliver into erin's Maildir");
        var stored = MimeMessage.Load(new MemoryStream(postfix.Messages("erin")[0]));
        Assert.Equal("To a real MTA", stored.Subject);
        Assert.Equal(body.Replace("\r\n", "\n", StringComparison.Ordinal), stored.TextBody?.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains(stored.Headers, h => h.Field == "Received" && h.Value.Contains("mail.fastmail.test", StringComparison.Ordinal));
        await WaitUntilAsync(() => a.Queue.Count == 0, "A's queue to empty");
    }

    [Fact]
    public async Task ANextHopThatKeepsDeferringGetsADelayWarningThenABounceWhenTheLifetimeEnds()
    {
        await using var peer = new ScriptedSmtpPeer();
        peer.RcptReplies["someone@busy.test"] = "451 4.7.1 come back later";
        await using var a = TestServer.Start(
            TestServer.Motriles,
            ("relay.routes", $"busy.test=127.0.0.1:{peer.Port}"),
            ("queue.firstRetry", "300ms"),
            ("queue.maxRetry", "300ms"),
            ("queue.delayWarning", "1s"),
            ("queue.lifetime", "3s"));

        await QueueOneAsync(a, "someone@busy.test");

        await WaitUntilAsync(() => a.Queue.Count == 0, "the message to be given up");
        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", a.Pop3Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync("motriles", "jose");
        var actions = new List<string>();
        for (var i = 0; i < await pop.GetMessageCountAsync(); i++)
        {
            var report = Assert.IsType<MultipartReport>((await pop.GetMessageAsync(i)).Body);
            actions.Add(report.OfType<MessageDeliveryStatus>().Single().StatusGroups[1]["Action"] ?? "");
        }

        Assert.Equal(["delayed", "failed"], actions);
    }

    [Fact]
    public async Task TheQueueCommandOfTheRunningServerListsRetriesAndDeletes()
    {
        await using var peer = new ScriptedSmtpPeer();
        peer.RcptReplies["someone@held.test"] = "451 4.3.0 not now";
        await using var a = TestServer.Start(TestServer.Motriles, ("relay.routes", $"held.test=127.0.0.1:{peer.Port}"));
        var id = await QueueOneAsync(a, "someone@held.test");
        await WaitUntilAsync(() => a.Queue.Find(id)?.Recipients[0].Attempts >= 1, "a first attempt");

        var list = await FastMail.Hosting.Admin.AdminClient.SendAsync(a.DataDirectory, ["queue", "list"]);
        Assert.True(list.Succeeded, list.Error);
        var text = string.Join("\n", list.Lines);
        Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.Contains("someone@held.test", text, StringComparison.Ordinal);
        Assert.Contains("451 4.3.0 not now", text, StringComparison.Ordinal);

        var retried = await FastMail.Hosting.Admin.AdminClient.SendAsync(a.DataDirectory, ["queue", "retry", id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(retried.Succeeded, retried.Error);
        await WaitUntilAsync(() => a.Queue.Find(id)?.Recipients[0].Attempts >= 2, "the retry asked for");

        var deleted = await FastMail.Hosting.Admin.AdminClient.SendAsync(a.DataDirectory, ["queue", "delete", id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(deleted.Succeeded, deleted.Error);
        Assert.Equal(0, a.Queue.Count);
        Assert.Empty(peer.Data);
    }

    [Fact]
    public async Task ADestinationThatRequiresTlsGetsNothingFromANextHopWithoutStartTls()
    {
        await using var plain = new ScriptedSmtpPeer();
        await using var a = TestServer.Start(
            TestServer.Motriles,
            ("relay.routes", $"secure.test=127.0.0.1:{plain.Port},open.test=127.0.0.1:{plain.Port}"),
            ("relay.requireTlsFor", "secure.test"));

        var id = await QueueOneAsync(a, "someone@secure.test");
        await SendAuthenticatedAsync(a.SmtpPort, "motriles@fastmail.test", "someone@open.test", "open", "open body\r\n");

        await WaitUntilAsync(() => a.Queue.Find(id)?.Recipients[0].Attempts >= 1 && a.Queue.Count == 1, "the TLS-only attempt and the open delivery");
        var recipient = a.Queue.Find(id)!.Recipients[0];
        Assert.Equal(QueuedRecipientState.Pending, recipient.State);
        Assert.Contains("TLS", recipient.LastReply, StringComparison.OrdinalIgnoreCase);
        Assert.Single(plain.Data);
        Assert.Contains("open body", System.Text.Encoding.ASCII.GetString(plain.Data[0]), StringComparison.Ordinal);
    }

    /// <summary>Queues one message from a trusted client with relaying on; returns its queue id.</summary>
    private static async Task<long> QueueOneAsync(TestServer server, string recipient)
    {
        await SendAuthenticatedAsync(server.SmtpPort, "motriles@fastmail.test", recipient, "queued", "queued body\r\n");
        await WaitUntilAsync(() => server.Queue.List().Count > 0, "the message to be queued");
        return server.Queue.List()[0].Id;
    }

    private static async Task SendAuthenticatedAsync(int port, string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await smtp.AuthenticateAsync("motriles", "jose");
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
    }

    private static async Task<MimeMessage> WaitForMessageAsync(int pop3Port, string user, string password)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var pop = new Pop3Client();
            await pop.ConnectAsync("127.0.0.1", pop3Port, SecureSocketOptions.None);
            await pop.AuthenticateAsync(user, password);
            if (await pop.GetMessageCountAsync() > 0)
            {
                return await pop.GetMessageAsync(0);
            }

            await pop.DisconnectAsync(quit: true);
            Assert.True(DateTime.UtcNow < deadline, $"no message reached {user} within {Patience}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
