using FastMail.Pop3;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Pop3;

public sealed class Pop3StoreFaultTests
{
    private const string Dotted = "Subject: dots\r\n\r\n.a\r\n..b\r\n.\r\nx.\r\n.\r\n\r\n.end";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(16)]
    public async Task RetrStuffsDotsTheSameHoweverTheStoreSplitsItsReads(int readLimit)
    {
        var store = new InMemoryMailStore();
        store.Add("motriles", Dotted);
        await using var script = await StartLoggedIn(new FaultyMailStore(store) { ReadLimit = readLimit });

        await script.Send("RETR 1");
        await script.ExpectLine($"+OK {Dotted.Length} octets");
        Assert.Equal(["Subject: dots", "", "..a", "...b", "..", "x.", "..", "", "..end"], await script.ReadRawBody());

        await script.Send("TOP 1 2");
        await script.ExpectLine("+OK Top of message follows");
        Assert.Equal(["Subject: dots", "", "..a", "...b"], await script.ReadRawBody());
    }

    [Fact]
    public async Task AStoreFailingMidMessageClosesTheConnectionAndReleasesTheLock()
    {
        var store = new InMemoryMailStore();
        store.Add("motriles", Pop3TestHost.FirstMessage);
        store.Add("motriles", Pop3TestHost.SecondMessage);
        var faulty = new FaultyMailStore(store) { ReadLimit = 10, FailReadsAfter = 20 };
        await using var script = await StartLoggedIn(faulty);
        await script.Send("DELE 2");
        await script.ExpectLine("+OK Message 2 deleted");

        await script.Send("RETR 1");

        await script.Session.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(faulty.Released);
        Assert.Equal(2, store.Messages("motriles").Count);
    }

    private static async Task<SessionScript> StartLoggedIn(FaultyMailStore store)
    {
        var handler = new Pop3SessionHandler(new Pop3Options(), new FakeDirectory().AddUser("motriles", "jose"), store, NullLogger.Instance);
        var script = new SessionScript(pipe => handler.RunAsync(pipe, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 50110), CancellationToken.None));
        await script.ExpectLine(Pop3TestHost.Greeting);
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
        return script;
    }
}
