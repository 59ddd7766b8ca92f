using FastMail.Tests.TestKit;

namespace FastMail.Tests.Pop3;

public sealed class Pop3LimitsTests
{
    [Fact]
    public async Task ALineLongerThan255OctetsIsRefusedAndTheNextCommandWorks()
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        // 5 + 248 + CRLF = 255 octets fits; one more does not (RFC 2449 4).
        await script.Send("USER " + new string('a', 248));
        await script.ExpectLine("+OK Password required");
        await script.Send("USER " + new string('a', 249));
        await script.ExpectLine("-ERR Line too long");
        await script.Send("NOOP " + new string('x', 5000));
        await script.ExpectLine("-ERR Line too long");
        await script.Send("CAPA");
        await script.ExpectLine("+OK Capability list follows");
    }

    [Fact]
    public async Task AMegabyteWithoutLineEndIsDrainedNotBuffered()
    {
        var host = new Pop3TestHost();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        // The in-memory pipe blocks the writer once 64 KiB sit unread: this completes only if the session consumes the bytes.
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        for (var i = 0; i < 16; i++)
        {
            await script.SendRaw(chunk).WaitAsync(TimeSpan.FromSeconds(10));
        }

        await script.SendRaw("\r\nNOOP\r\n");
        await script.ExpectLine("-ERR Line too long");
        await script.ExpectLine("-ERR Command not valid in this state");
    }

    [Fact]
    public async Task TheTenthErrorClosesTheSession()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        for (var i = 0; i < 9; i++)
        {
            await script.Send("BOGUS");
            await script.ExpectLine("-ERR Unknown command");
        }

        await script.Send("BOGUS");
        await script.ExpectLine("-ERR Too many errors, closing");
        await script.ExpectClosed();
    }

    [Fact]
    public async Task ErrorsOfAllKindsCountTowardsTheLimitAndMarksAreNotCommitted()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        host.Options.MaxErrors = 3;
        await using var script = await host.StartLoggedIn();
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");

        await script.SendRaw("RETR 9\r\nDELE 1\r\nUSER x\r\nNOOP\r\n");

        await script.ExpectLine("-ERR no such message");
        await script.ExpectLine("-ERR message 1 already deleted");
        await script.ExpectLine("-ERR Too many errors, closing");
        await script.ExpectClosed();
        Assert.Equal(2, host.Store.Messages("motriles").Count);
    }

    [Fact]
    public async Task APooledSessionStartsWithAFreshErrorCount()
    {
        var host = new Pop3TestHost();
        for (var round = 0; round < 3; round++)
        {
            await using var script = host.Start();
            await script.ExpectLine(Pop3TestHost.Greeting);
            for (var i = 0; i < 9; i++)
            {
                await script.Send("BOGUS");
                await script.ExpectLine("-ERR Unknown command");
            }

            await script.Send("QUIT");
            await script.ExpectLine("+OK FastMail POP3 server signing off");
            await script.ExpectClosed();
        }
    }

    [Fact]
    public async Task AnIdleSessionTimesOutReleasesTheLockAndRemovesNothing()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        host.Options.IdleTimeout = TimeSpan.FromMilliseconds(200);
        await using var script = await host.StartLoggedIn();
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");

        await script.ExpectLine("-ERR [SYS/TEMP] Timeout, closing");
        await script.ExpectClosed();

        Assert.Equal(2, host.Store.Messages("motriles").Count);
        await using var again = await host.StartLoggedIn();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    public async Task ALineTricklingInByteByByteStillTimesOutAndRemovesNothing(int alreadySent)
    {
        // Slowloris: a byte every 50 ms, far within the 1 s idle timeout, but the line never completes. The deadline
        // is per line, so the timeout comes while the client is still trickling. 300 bytes: past the 255-octet limit,
        // where the rest of the line is being discarded, the deadline still holds.
        var host = new Pop3TestHost().WithTutorialMailbox();
        host.Options.IdleTimeout = TimeSpan.FromSeconds(1);
        await using var script = await host.StartLoggedIn();
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");
        await script.SendRaw(new string('X', alreadySent));

        var stillSending = true;
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < 200 && Volatile.Read(ref stillSending); i++)
            {
                await script.SendRaw("X");
                await Task.Delay(50);
            }

            Volatile.Write(ref stillSending, false);
        });
        await script.ExpectLine("-ERR [SYS/TEMP] Timeout, closing");
        Assert.True(Volatile.Read(ref stillSending), "the timeout only came after the client stopped sending");
        Volatile.Write(ref stillSending, false);
        await trickle;
        await script.ExpectClosed();
        Assert.Equal(2, host.Store.Messages("motriles").Count);
    }

    [Fact]
    public async Task EachCompletedLineRestartsTheDeadline()
    {
        // Three lines that each take 0.6 s to arrive, 1.8 s in all: longer than the 1.5 s timeout, yet each line
        // completes within it, so the session stays open.
        var host = new Pop3TestHost().WithTutorialMailbox();
        host.Options.IdleTimeout = TimeSpan.FromMilliseconds(1500);
        await using var script = await host.StartLoggedIn();
        for (var i = 0; i < 3; i++)
        {
            await script.SendRaw("NO");
            await Task.Delay(600);
            await script.SendRaw("OP\r\n");
            await script.ExpectLine("+OK");
        }

        await script.Send("QUIT");
        await script.Expect("+OK");
    }

    [Fact]
    public async Task ShutdownClosesAnIdleSessionAndRemovesNothing()
    {
        var host = new Pop3TestHost().WithTutorialMailbox();
        using var shutdown = new CancellationTokenSource();
        await using var script = host.Start(shutdown.Token);
        await script.ExpectLine(Pop3TestHost.Greeting);
        await script.Send("USER motriles");
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS jose");
        await script.Expect("+OK Mailbox locked and ready");
        await script.Send("DELE 1");
        await script.ExpectLine("+OK Message 1 deleted");

        await shutdown.CancelAsync();

        await script.ExpectLine("-ERR [SYS/TEMP] Server shutting down");
        await script.ExpectClosed();
        Assert.Equal(2, host.Store.Messages("motriles").Count);
        await using var again = await host.StartLoggedIn();
    }

    [Fact]
    public async Task ASessionStartedDuringShutdownIsClosedAfterTheGreeting()
    {
        var host = new Pop3TestHost();
        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync();
        await using var script = host.Start(shutdown.Token);

        await script.ExpectLine(Pop3TestHost.Greeting);
        await script.ExpectLine("-ERR [SYS/TEMP] Server shutting down");
        await script.ExpectClosed();
    }

    [Fact]
    public async Task HostileBytesGetAnswersNotACrash()
    {
        var host = new Pop3TestHost();
        host.Options.MaxErrors = 0;
        await using var script = host.Start();
        await script.ExpectLine(Pop3TestHost.Greeting);

        await script.SendRaw(new byte[] { 0, 0xFF, 0xFE, (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\r', (byte)'\n', 0x80, (byte)' ', (byte)'\n' });
        await script.ExpectLine("-ERR Unknown command");
        await script.ExpectLine("-ERR Unknown command");
        await script.ExpectLine("-ERR Unknown command");
        await script.Send("NOOP");
        await script.ExpectLine("-ERR Command not valid in this state");
    }
}
