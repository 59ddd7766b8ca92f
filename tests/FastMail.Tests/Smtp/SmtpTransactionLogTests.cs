using System.Text;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging;
using static FastMail.Tests.Smtp.SmtpAuthKit;

namespace FastMail.Tests.Smtp;

/// <summary>The mail log: one line per transaction, per refused MAIL/RCPT and per session, safe against forged lines.</summary>
public sealed class SmtpTransactionLogTests
{
    private const int Transaction = 5100;
    private const int Abandoned = 5101;
    private const int Rejected = 5102;
    private const int Disconnect = 5103;

    [Fact]
    public async Task AcceptedMessageWithTwoRecipientsGetsOneLineAndTheRefusedRcptItsRejectLine()
    {
        var host = new SmtpHost();
        await using (var script = await host.Connect())
        {
            await script.Send("EHLO client.example.net");
            await script.ExpectSmtpMultiline("250");
            await script.SendRaw("MAIL FROM:<sender@example.net>\r\nRCPT TO:<motriles@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.1.5");
            var refusal = await script.Expect("550 5.1.1");
            await script.Expect("250 2.1.5");
            await script.Expect("354 ");
            await script.SendRaw("Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n");
            var queued = await script.Expect("250 2.0.0 Ok: queued as ");
            await script.Expect("221 ");
            await script.Session;

            var queueId = queued[^16..];
            var line = Assert.Single(host.Logger.Entries, e => e.EventId == Transaction);
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.StartsWith(
                $"{queueId}: accepted: client=[192.0.2.7]:40000 listener=smtp helo=<client.example.net> user=none tls=no from=<sender@example.net> to=<motriles@example.com,bob@example.com> nrcpt=2 size=",
                line.Message,
                StringComparison.Ordinal);
            Assert.Contains($" reply=\"250 2.0.0 Ok: queued as {queueId}\" duration=", line.Message, StringComparison.Ordinal);
            Assert.Equal(queueId, line.Fields["QueueId"]);
            Assert.Equal("motriles@example.com,bob@example.com", line.Fields["Recipients"]);
            Assert.True((long)line.Fields["Size"]! > 0);

            var reject = Assert.Single(host.Logger.Entries, e => e.EventId == Rejected);
            Assert.StartsWith($"NOQUEUE: reject: RCPT from [192.0.2.7]:40000: {refusal}; listener=smtp helo=<client.example.net> user=none tls=no from=<sender@example.net> arg=<TO:<nobody@example.com>>", reject.Message, StringComparison.Ordinal);

            var summary = Assert.Single(host.Logger.Entries, e => e.EventId == Disconnect);
            Assert.StartsWith("disconnect from [192.0.2.7]:40000 listener=smtp helo=<client.example.net> user=none tls=no ehlo=1 mail=1 rcpt=2/3 data=1 quit=1 commands=6/7 end=quit duration=", summary.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TransactionsEndedByRsetOrAHangUpAreLoggedAsAbandoned()
    {
        var host = new SmtpHost();
        await using (var script = await host.Connect())
        {
            await script.SendRaw("HELO client.example.net\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nRSET\r\n");
            await script.Expect("250 ");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.1.5");
            await script.Expect("250 2.0.0");
            await script.SendRaw("MAIL FROM:<b@example.net>\r\nRCPT TO:<motriles@example.com>\r\nDATA\r\npartial line\r\n");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.1.5");
            await script.Expect("354 ");
            await script.CloseInput();
            await script.Session;

            var abandoned = host.Logger.Entries.Where(e => e.EventId == Abandoned).ToList();
            Assert.Equal(2, abandoned.Count);
            Assert.StartsWith("NOQUEUE: abandoned: client=[192.0.2.7]:40000 listener=smtp helo=<client.example.net> user=none tls=no from=<a@example.net> to=<bob@example.com> nrcpt=1 by=RSET duration=", abandoned[0].Message, StringComparison.Ordinal);

            // DATA had started: the message had its queue id (as in its Received header) when the client hung up.
            Assert.Matches("^[0-9A-F]{16}: abandoned: client=\\[192\\.0\\.2\\.7\\]:40000 .* from=<b@example\\.net> to=<motriles@example\\.com> nrcpt=1 by=disconnect duration=", abandoned[1].Message);
            Assert.DoesNotContain(host.Logger.Entries, e => e.EventId == Transaction);

            var summary = Assert.Single(host.Logger.Entries, e => e.EventId == Disconnect);
            Assert.Contains(" helo=1 mail=2 rcpt=2 data=1 rset=1 commands=7 end=disconnect ", summary.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ControlCharactersAndOverlongValuesFromTheClientCannotForgeALogLine()
    {
        var host = new SmtpHost();
        await using (var script = await host.Connect())
        {
            // A bare CR in EHLO is refused (501) and never reaches a log line.
            await script.SendRaw("EHLO evil\rinfo: FastMail.Smtp.Transactions[5100] forged\r\n");
            await script.Expect("501 ");

            // NEL (U+0085) and LINE SEPARATOR (U+2028) pass the EHLO check but break lines in some viewers.
            var helo = new List<byte>("EHLO evil"u8.ToArray());
            helo.AddRange([0xC2, 0x85]);
            helo.AddRange("next"u8.ToArray());
            helo.AddRange([0xE2, 0x80, 0xA8]);
            helo.AddRange("line\r\n"u8.ToArray());
            await script.SendRaw([.. helo]);
            await script.ExpectSmtpMultiline("250");
            await script.SendRaw("MAIL FROM:<" + new string('a', 300) + "@example.net>\r\nMAIL FROM:<x@example.net>\r\nRSET\r\nQUIT\r\n");
            await script.Expect("501 ");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.0.0");
            await script.Expect("221 ");
            await script.Session;

            var abandoned = Assert.Single(host.Logger.Entries, e => e.EventId == Abandoned);
            Assert.Contains(" helo=<evil?next?line> ", abandoned.Message, StringComparison.Ordinal);
            var reject = Assert.Single(host.Logger.Entries, e => e.EventId == Rejected);
            Assert.Contains(" helo=<evil?next?line> ", reject.Message, StringComparison.Ordinal);
            Assert.EndsWith(" arg=<FROM:<" + new string('a', 250) + "...>", reject.Message, StringComparison.Ordinal);
            foreach (var entry in host.Logger.Entries.Where(e => e.EventId is >= 5100 and < 5200))
            {
                Assert.DoesNotContain(entry.Message, c => c < ' ' || c is >= '\u007F' and <= '\u009F' or '\u2028' or '\u2029');
                Assert.DoesNotContain("forged", entry.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task AuthPlainLogsTheUserButNeverThePasswordOrThePayload()
    {
        var host = new SmtpHost(security: Security());
        await using (var script = await host.ConnectFrom(Loopback))
        {
            await script.Send("EHLO client.example.net");
            await script.ExpectSmtpMultiline("250");
            await script.Send("AUTH PLAIN " + Plain("bob", "hunter2-wrong"));
            await script.Expect("535 ");
            await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
            await script.Expect("235 ");
            await script.SendRaw("MAIL FROM:<bob@example.com>\r\nRCPT TO:<motriles@example.com>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.1.5");
            await script.Expect("354 ");
            await script.Expect("250 2.0.0 Ok: queued as ");
            await script.Expect("221 ");
            await script.Session;

            var line = Assert.Single(host.Logger.Entries, e => e.EventId == Transaction);
            Assert.Contains(" user=bob ", line.Message, StringComparison.Ordinal);
            Assert.Contains(" auth=1/2 ", Assert.Single(host.Logger.Entries, e => e.EventId == Disconnect).Message, StringComparison.Ordinal);
            var secrets = new[] { "secret", "hunter2", Plain("bob", "secret"), Plain("bob", "hunter2-wrong") };
            foreach (var entry in host.Logger.Entries)
            {
                var text = entry.Message + string.Join('|', entry.Fields.Values);
                Assert.DoesNotContain(secrets, s => text.Contains(s, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task NothingIsFormattedWhenTheTransactionLogIsOff()
    {
        var main = new RecordingLogger();
        var journal = new DisabledLogger();
        var directory = new FakeDirectory("example.com").AddUser("bob", "pw");
        var handler = new FastMail.Smtp.SmtpSessionHandler(
            new FastMail.Smtp.SmtpOptions { HostName = SmtpHost.HostName }, directory, new FastMail.Delivery.MailDelivery(directory, directory, new InMemoryMailStore(), main), main, transactionLogger: journal);
        await using (var script = new SessionScript(pipe => handler.RunAsync(pipe, SmtpHost.Remote, default)))
        {
            await script.Expect("220 ");
            await script.SendRaw("HELO x\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@example.com>\r\nQUIT\r\n");
            await script.Expect("250 ");
            await script.Expect("250 2.1.0");
            await script.Expect("550 ");
            await script.Expect("221 ");
            await script.Session;
        }

        Assert.Equal(0, journal.Logged);
        Assert.DoesNotContain(main.Entries, e => e.EventId is >= 5100 and < 5200);
    }

    /// <summary>A logger with every level off that counts what reached it anyway.</summary>
    private sealed class DisabledLogger : ILogger
    {
        public int Logged { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Logged++;
    }
}
