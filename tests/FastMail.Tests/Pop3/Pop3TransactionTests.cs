using System.Text;

namespace FastMail.Tests.Pop3;

public sealed class Pop3TransactionTests
{
    [Theory]
    [InlineData("RETR 3")]
    [InlineData("RETR 0")]
    [InlineData("RETR 99999999999999")]
    [InlineData("LIST 3")]
    [InlineData("DELE 3")]
    [InlineData("TOP 3 0")]
    [InlineData("UIDL 3")]
    public async Task AMessageNumberOutsideTheMailboxIsNoSuchMessage(string command)
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = await host.StartLoggedIn();

        await script.Send(command);

        await script.ExpectLine("-ERR no such message");
    }

    [Theory]
    [InlineData("RETR")]
    [InlineData("RETR one")]
    [InlineData("RETR -1")]
    [InlineData("RETR 1 2")]
    [InlineData("DELE")]
    [InlineData("TOP 1")]
    [InlineData("TOP 1 -1")]
    [InlineData("TOP 1 x")]
    [InlineData("LIST 1 2")]
    public async Task MalformedArgumentsAreASyntaxError(string command)
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = await host.StartLoggedIn();

        await script.Send(command);

        await script.ExpectLine("-ERR Syntax error in arguments");
    }

    [Theory]
    [InlineData("RETR 1")]
    [InlineData("DELE 1")]
    [InlineData("LIST 1")]
    [InlineData("TOP 1 0")]
    [InlineData("UIDL 1")]
    public async Task ADeletedMessageIsRefusedByEveryCommandThatNamesIt(string command)
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = await host.StartLoggedIn();
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");

        await script.Send(command);

        await script.ExpectLine("-ERR message 1 already deleted");
    }

    [Fact]
    public async Task StatListAndUidlLeaveDeletedMessagesOut()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        var second = Pop3TestHost.SecondMessage.Length;
        await using var script = await host.StartLoggedIn();
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");

        await script.Send("STAT");
        await script.ExpectLine($"+OK 1 {second}");
        await script.Send("LIST");
        await script.ExpectLine($"+OK 1 messages ({second} octets)");
        Assert.Equal([$"2 {second}"], await script.ReadRawBody());
        await script.Send("UIDL");
        await script.ExpectLine("+OK Unique-ID listing follows");
        Assert.Equal(["2 2"], await script.ReadRawBody());
        await script.Send("LIST 2");
        await script.ExpectLine($"+OK 2 {second}");
    }

    [Fact]
    public async Task RsetUnmarksEveryMessageAndQuitThenRemovesNothing()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        var total = Pop3TestHost.FirstMessage.Length + Pop3TestHost.SecondMessage.Length;
        await using var script = await host.StartLoggedIn();
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");
        await script.Send("DELE 2");
        await script.ExpectLine("+OK Message 2 deleted");
        await script.Send("STAT");
        await script.ExpectLine("+OK 0 0");

        await script.Send("RSET");
        await script.ExpectLine($"+OK Maildrop has 2 messages ({total} octets)");
        await script.Send("RETR 1");
        await script.ExpectLine($"+OK {Pop3TestHost.FirstMessage.Length} octets");
        await script.ReadRawBody();
        await script.Send("QUIT");
        await script.ExpectLine("+OK FastMail POP3 server signing off");
        await script.ExpectClosed();

        Assert.Equal(2, host.Store.Messages("motriles").Count);
    }

    [Fact]
    public async Task TopSendsTheHeadersTheBlankLineAndTheRequestedBodyLines()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = await host.StartLoggedIn();

        await script.Send("TOP 1 0");
        await script.ExpectLine("+OK Top of message follows");
        Assert.Equal(["From: jose@example.com", "To: motriles@example.com", "Subject: Hola", ""], await script.ReadRawBody());

        await script.Send("top 1 1");
        await script.ExpectLine("+OK Top of message follows");
        Assert.Equal(["From: jose@example.com", "To: motriles@example.com", "Subject: Hola", "", "Hola Motriles"], await script.ReadRawBody());

        await script.Send("TOP 1 50");
        await script.ExpectLine("+OK Top of message follows");
        Assert.Equal(["From: jose@example.com", "To: motriles@example.com", "Subject: Hola", "", "Hola Motriles", "Hasta luego"], await script.ReadRawBody());
    }

    [Fact]
    public async Task UidlIsStableAcrossSessionsAndDeletions()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        List<string> before;
        await using (var script = await host.StartLoggedIn())
        {
            await script.Send("UIDL");
            await script.ExpectLine("+OK Unique-ID listing follows");
            before = await script.ReadRawBody();
            await script.Send("UIDL 2");
            await script.ExpectLine("+OK " + before[1]);
            await script.Send("DELE 1");
            await script.ExpectLine("+OK Message 1 deleted");
            await script.Send("QUIT");
            await script.Expect("+OK");
            await script.ExpectClosed();
        }

        Assert.Equal(2, before.Count);
        Assert.NotEqual(before[0].Split(' ')[1], before[1].Split(' ')[1]);

        await using var again = await host.StartLoggedIn();
        await again.Send("UIDL");
        await again.ExpectLine("+OK Unique-ID listing follows");
        var after = await again.ReadRawBody();

        // The surviving message is now number 1 but keeps its unique id.
        Assert.Equal(["1 " + before[1].Split(' ')[1]], after);
    }

    [Fact]
    public async Task LinesStartingWithADotAreStuffedAndRoundTrip()
    {
        const string content = "Subject: dots\r\n\r\n.hidden\r\n..\r\n.\r\nmid.dle\r\n.";
        var host = new Pop3TestHost();
        host.Store.Add("motriles", content);
        await using var script = await host.StartLoggedIn();

        await script.Send("RETR 1");
        await script.ExpectLine($"+OK {content.Length} octets");
        Assert.Equal(["Subject: dots", "", "..hidden", "...", "..", "mid.dle", ".."], await script.ReadRawBody());

        await script.Send("RETR 1");
        await script.ExpectLine($"+OK {content.Length} octets");
        var lines = await script.ReadPop3Body();
        Assert.Equal(content, string.Join("\r\n", lines));
    }

    [Fact]
    public async Task AMessageLargerThanTheOutputBufferIsStreamedWhole()
    {
        // About 250 KB: more than the in-memory pipe holds unread, so the session has to wait for the client mid-message.
        var body = new StringBuilder("Subject: big\r\n\r\n");
        for (var i = 0; i < 20000; i++)
        {
            body.Append(i % 7 == 0 ? ".dot line " : "line ").Append(i).Append("\r\n");
        }

        var content = body.ToString();
        var host = new Pop3TestHost();
        host.Store.Add("motriles", content);
        await using var script = await host.StartLoggedIn();

        await script.Send("RETR 1");
        await script.ExpectLine($"+OK {content.Length} octets");
        var lines = await script.ReadPop3Body();

        Assert.Equal(content, string.Join("\r\n", lines) + "\r\n");
    }

    [Fact]
    public async Task SizesInStatListAndRetrAreTheSumOfTheCrLfLines()
    {
        string[] lines = ["Subject: size", "", "one", "two two", ""];
        var content = string.Concat(lines.Select(l => l + "\r\n"));
        var expected = lines.Sum(l => l.Length + 2);
        var host = new Pop3TestHost();
        host.Store.Add("motriles", content);
        await using var script = await host.StartLoggedIn();

        await script.Send("STAT");
        await script.ExpectLine($"+OK 1 {expected}");
        await script.Send("LIST");
        await script.ExpectLine($"+OK 1 messages ({expected} octets)");
        Assert.Equal([$"1 {expected}"], await script.ReadRawBody());
        await script.Send("LIST 1");
        await script.ExpectLine($"+OK 1 {expected}");
        await script.Send("RETR 1");
        await script.ExpectLine($"+OK {expected} octets");
        Assert.Equal(lines, await script.ReadPop3Body());
    }

    [Fact]
    public async Task AListingLargerThanTheOutputBufferIsComplete()
    {
        const int count = 12000;
        var host = new Pop3TestHost();
        for (var i = 0; i < count; i++)
        {
            host.Store.Add("motriles", "Subject: " + i + "\r\n\r\n");
        }

        await using var script = await host.StartLoggedIn();
        await script.SendRaw("LIST\r\nUIDL\r\nSTAT\r\n");

        await script.Expect($"+OK {count} messages");
        var sizes = await script.ReadRawBody();
        await script.ExpectLine("+OK Unique-ID listing follows");
        var ids = await script.ReadRawBody();
        await script.Expect($"+OK {count} ");

        Assert.Equal(Enumerable.Range(1, count).Select(n => $"{n} {("Subject: " + (n - 1) + "\r\n\r\n").Length}"), sizes);
        Assert.Equal(count, ids.Select(line => line.Split(' ')[1]).Distinct().Count());
    }

    [Fact]
    public async Task AnEmptyMailboxListsNothing()
    {
        var host = new Pop3TestHost();
        await using var script = await host.StartLoggedIn();

        await script.Send("LIST");
        await script.ExpectLine("+OK 0 messages (0 octets)");
        Assert.Empty(await script.ReadRawBody());
        await script.Send("UIDL");
        await script.ExpectLine("+OK Unique-ID listing follows");
        Assert.Empty(await script.ReadRawBody());
        await script.Send("RETR 1");
        await script.ExpectLine("-ERR no such message");
        await script.Send("NOOP");
        await script.ExpectLine("+OK");
    }
}
