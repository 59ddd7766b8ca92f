using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Pop3;

/// <summary>The POP3 session line of the mail log: who, how it ended, what was read and removed.</summary>
public sealed class Pop3SessionLogTests
{
    private const int SessionLine = 6050;

    [Fact]
    public async Task QuitAfterRetrTopAndDeleLogsOneLineWithTheCounts()
    {
        var logger = new RecordingLogger();
        var host = new Pop3TestHost { Logger = logger }.WithTutorialMailbox();
        await using (var script = await host.StartLoggedIn())
        {
            await script.Send("RETR 1");
            await script.Expect("+OK ");
            await script.ReadPop3Body();
            await script.Send("TOP 2 0");
            await script.Expect("+OK");
            await script.ReadPop3Body();
            await script.Send("DELE 1");
            await script.Expect("+OK Message 1 deleted");
            await script.Send("QUIT");
            await script.Expect("+OK FastMail POP3 server signing off (1 messages deleted)");
            await script.Session;
        }

        var line = Assert.Single(logger.Entries, e => e.EventId == SessionLine);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith(
            $"pop3 session from [127.0.0.1]:50110 listener=pop3 user=motriles tls=no end=quit-update retr=1 retr_bytes={Pop3TestHost.FirstMessage.Length} top=1 dele=1 commands=6 duration=",
            line.Message,
            StringComparison.Ordinal);
        Assert.Equal("motriles", line.Fields["User"]);
        Assert.Equal(1, line.Fields["Deleted"]);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("jose", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHangUpRemovesNothingAndIsLoggedAsADisconnect()
    {
        var logger = new RecordingLogger();
        var host = new Pop3TestHost { Logger = logger }.WithTutorialMailbox();
        await using (var script = await host.StartLoggedIn())
        {
            await script.Send("DELE 1");
            await script.Expect("+OK Message 1 deleted");
            await script.CloseInput();
            await script.Session;
        }

        var line = Assert.Single(logger.Entries, e => e.EventId == SessionLine);
        Assert.Contains(" user=motriles tls=no end=disconnect retr=0 retr_bytes=0 top=0 dele=0 commands=3 ", line.Message, StringComparison.Ordinal);
    }
}
