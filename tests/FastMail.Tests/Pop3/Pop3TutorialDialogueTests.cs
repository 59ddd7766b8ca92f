namespace FastMail.Tests.Pop3;

public sealed class Pop3TutorialDialogueTests
{
    [Fact]
    public async Task TheTutorialDialogueGetsByteExactRepliesAndRemovesTheMessageOnlyAtQuit()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        var first = Pop3TestHost.FirstMessage.Length;
        var second = Pop3TestHost.SecondMessage.Length;
        await using var script = host.Start();

        await script.ExpectLine("+OK FastMail POP3 server ready");
        await script.Send("user motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("pass jose");
        await script.ExpectLine($"+OK Mailbox locked and ready, 2 messages ({first + second} octets)");
        await script.Send("stat");
        await script.ExpectLine($"+OK 2 {first + second}");
        await script.Send("list");
        await script.ExpectLine($"+OK 2 messages ({first + second} octets)");
        Assert.Equal([$"1 {first}", $"2 {second}"], await script.ReadRawBody());
        await script.Send("retr 1");
        await script.ExpectLine($"+OK {first} octets");
        Assert.Equal(
            ["From: jose@example.com", "To: motriles@example.com", "Subject: Hola", "", "Hola Motriles", "Hasta luego"],
            await script.ReadRawBody());
        await script.Send("dele 1");
        await script.ExpectLine("+OK Message 1 deleted");

        Assert.Equal(2, host.Store.Messages("motriles").Count);

        await script.Send("quit");
        await script.ExpectLine("+OK FastMail POP3 server signing off (1 messages deleted)");
        await script.ExpectClosed();

        var left = Assert.Single(host.Store.Messages("motriles"));
        Assert.Equal(Pop3TestHost.SecondMessage, System.Text.Encoding.Latin1.GetString(left));
    }

    [Fact]
    public async Task CommandsAreCaseInsensitiveAndALoneLfEndsALine()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = host.Start();

        await script.ExpectLine(Pop3TestHost.Greeting);
        await script.SendRaw("uSeR motriles\n");
        await script.ExpectLine("+OK Password required");
        await script.SendRaw("PaSs jose\n");
        await script.Expect("+OK Mailbox locked and ready");
        await script.SendRaw("StAt\n");
        await script.ExpectLine($"+OK 2 {Pop3TestHost.FirstMessage.Length + Pop3TestHost.SecondMessage.Length}");
    }

    [Fact]
    public async Task APipelinedBatchInOneWriteGetsEveryReplyInOrder()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        var first = Pop3TestHost.FirstMessage.Length;
        var second = Pop3TestHost.SecondMessage.Length;
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.SendRaw("USER motriles\r\nPASS jose\r\nSTAT\r\nLIST\r\nUIDL 2\r\nTOP 2 0\r\nDELE 2\r\nNOOP\r\nQUIT\r\n");

        await script.ExpectLine("+OK Password required");
        await script.Expect("+OK Mailbox locked and ready");
        await script.ExpectLine($"+OK 2 {first + second}");
        await script.Expect("+OK 2 messages");
        Assert.Equal([$"1 {first}", $"2 {second}"], await script.ReadRawBody());
        await script.ExpectLine("+OK 2 2");
        await script.ExpectLine("+OK Top of message follows");
        Assert.Equal(["From: ana@example.com", "To: motriles@example.com", "Subject: Second", ""], await script.ReadRawBody());
        await script.ExpectLine("+OK Message 2 deleted");
        await script.ExpectLine("+OK");
        await script.ExpectLine("+OK FastMail POP3 server signing off (1 messages deleted)");
        await script.ExpectClosed();
        Assert.Single(host.Store.Messages("motriles"));
    }

    [Fact]
    public async Task CommandsAfterQuitInTheSameBatchAreIgnored()
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.SendRaw("QUIT\r\nNOOP\r\nCAPA\r\n");

        await script.ExpectLine("+OK FastMail POP3 server signing off");
        await script.ExpectClosed();
    }
}
