using System.Net;
using FastMail.Delivery;
using FastMail.Smtp;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Smtp;

public sealed class SmtpLoggingTests
{
    [Fact]
    public async Task AcceptedMessageIsLoggedWithItsQueueIdAndClient()
    {
        var logger = new RecordingLogger();
        var directory = new FakeDirectory().AddUser("bob", "pw");
        var handler = new SmtpSessionHandler(new SmtpOptions { HostName = "mx.example.com" }, directory, new MailDelivery(directory, directory, new InMemoryMailStore(), logger), logger);
        await using (var script = new SessionScript(pipe => handler.RunAsync(pipe, new IPEndPoint(IPAddress.Parse("192.0.2.9"), 1234), default)))
        {
            await script.Expect("220 ");
            await script.SendRaw("MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n");
            await script.Expect("250 2.1.0");
            await script.Expect("250 2.1.5");
            await script.Expect("354 ");
            var queued = await script.Expect("250 2.0.0 Ok: queued as ");
            await script.Expect("221 ");
            await script.Session;

            var accepted = Assert.Single(logger.Entries, e => e.EventId == 5003);
            // Debug since the mail log's transaction line (5100) carries it for the operator.
            Assert.Equal(LogLevel.Debug, accepted.Level);
            Assert.StartsWith($"Message {queued[^16..]} from 192.0.2.9:1234 accepted: ", accepted.Message, StringComparison.Ordinal);
            Assert.Contains(logger.Entries, e => e.EventId == 5002);
        }
    }
}
