using FastMail.Pop3;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Pop3;

public sealed class Pop3UpdateTests
{
    [Fact]
    public async Task DisconnectingWithoutQuitDeletesNothingAndReleasesTheLock()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using (var script = await host.StartLoggedIn())
        {
            await script.Send("DELE 1");
            await script.ExpectLine("+OK Message 1 deleted");
            await script.Send("DELE 2");
            await script.ExpectLine("+OK Message 2 deleted");
            await script.CloseInput();
            await script.Session.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(2, host.Store.Messages("motriles").Count);
        await using var again = await host.StartLoggedIn();
        await again.Send("STAT");
        await again.Expect("+OK 2 ");
    }

    [Fact]
    public async Task ASecondSessionGetsInUseAndCanLogInAfterTheFirstQuits()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var first = await host.StartLoggedIn();
        await using var second = host.Start();
        await second.ExpectLine(Pop3TestHost.Greeting);

        await second.Send("USER motriles");
        await second.ExpectLine("+OK Password required");
        await second.Send("PASS jose");
        await second.ExpectLine("-ERR [IN-USE] Mailbox is locked by another session");

        // Still in AUTHORIZATION.
        await second.Send("STAT");
        await second.ExpectLine("-ERR Command not valid in this state");

        await first.Send("QUIT");
        await first.ExpectLine("+OK FastMail POP3 server signing off");

        await second.Send("USER motriles");
        await second.ExpectLine("+OK Password required");
        await second.Send("PASS jose");
        await second.Expect("+OK Mailbox locked and ready, 2 messages");
    }

    [Fact]
    public async Task ASecondSessionCanLogInAfterTheFirstDisconnects()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var first = await host.StartLoggedIn();
        await using var second = host.Start();
        await second.ExpectLine(Pop3TestHost.Greeting);
        await second.Send("USER motriles");
        await second.ExpectLine("+OK Password required");
        await second.Send("PASS jose");
        await second.ExpectLine("-ERR [IN-USE] Mailbox is locked by another session");

        await first.CloseInput();
        await first.Session.WaitAsync(TimeSpan.FromSeconds(10));

        await second.Send("USER motriles");
        await second.ExpectLine("+OK Password required");
        await second.Send("PASS jose");
        await second.Expect("+OK Mailbox locked and ready");
    }

    [Fact]
    public async Task AFailedCommitAnswersSysTempAndRemovesNothing()
    {
        var store = new InMemoryMailStore();
        store.Add("motriles", Pop3TestHost.FirstMessage);
        var failing = new FaultyMailStore(store) { FailDeletes = true };
        var handler = new Pop3SessionHandler(new Pop3Options(), new FakeDirectory().AddUser("motriles", "jose"), failing, NullLogger.Instance);
        await using var script = new SessionScript(pipe => handler.RunAsync(pipe, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 50110), CancellationToken.None));
        await script.ExpectLine(Pop3TestHost.Greeting);
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");

        await script.Send("QUIT");

        await script.ExpectLine("-ERR [SYS/TEMP] Could not remove the deleted messages, none were removed");
        await script.ExpectClosed();
        Assert.Single(store.Messages("motriles"));
        Assert.True(failing.Released);
    }
}
