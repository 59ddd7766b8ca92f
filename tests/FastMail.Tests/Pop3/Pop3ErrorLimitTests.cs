using System.Net;
using FastMail.Core.Services;
using FastMail.Pop3;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Pop3;

/// <summary>The shared error-limit rule (FastMail.Core.Protocol.ErrorLimit) as POP3 applies it.</summary>
public sealed class Pop3ErrorLimitTests
{
    [Fact]
    public async Task AFailingStoreIsNotCountedAsTheClientsError()
    {
        var options = new Pop3Options { HostName = "mail.example.com", MaxErrors = 2 };
        var handler = new Pop3SessionHandler(options, new FakeDirectory().AddUser("motriles", "jose"), new OpenFailingStore(), NullLogger.Instance);
        await using var script = new SessionScript(pipe => handler.RunAsync(pipe, new IPEndPoint(IPAddress.Loopback, 50110), CancellationToken.None));
        await script.ExpectLine(Pop3TestHost.Greeting);

        // Three [SYS/TEMP] failures with a limit of two: the session goes on, as SMTP's does after a store's 4xx.
        for (var i = 0; i < 3; i++)
        {
            await script.Send("USER motriles");
            await script.ExpectLine("+OK Password required");
            await script.Send("PASS jose");
            await script.ExpectLine("-ERR [SYS/TEMP] Mailbox unavailable, try again later");
        }

        // The client's own errors still count: the second one closes.
        await script.Send("BOGUS");
        await script.ExpectLine("-ERR Unknown command");
        await script.Send("BOGUS");
        await script.ExpectLine("-ERR Too many errors, closing");
        await script.ExpectClosed();
    }

    private sealed class OpenFailingStore : IMailStore
    {
        public IMessageWriter BeginMessage() => throw new IOException("store down");

        public long GetMailboxUsage(string mailbox) => 0;

        public ValueTask<IMailboxSession?> TryOpenMailboxAsync(string mailbox, CancellationToken cancellationToken) =>
            ValueTask.FromException<IMailboxSession?>(new IOException("store down"));
    }
}
