using System.Threading.Channels;
using FastMail.Core.Diagnostics;
using static FastMail.Tests.Smtp.SmtpAuthKit;

namespace FastMail.Tests.Smtp;

/// <summary>Tests that watch live transcripts change a process-wide switch: they run alone, never beside the allocation tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TranscriptCollection
{
    public const string Name = "Live transcripts";
}

/// <summary>Live SMTP transcripts: every line in order, C and S, with AUTH secrets redacted.</summary>
[Collection(TranscriptCollection.Name)]
public sealed class TranscriptSmtpTests
{
    [Fact]
    public async Task AWatchedSessionShowsBothSidesInOrderWithAuthPlainRedacted()
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Smtp);
        var host = new SmtpHost(security: Security());
        await using (var script = await host.ConnectFrom(Loopback))
        {
            await script.Send("EHLO client");
            await script.ExpectSmtpMultiline("250");
            await script.Send("AUTH PLAIN " + Plain("bob", "secret"));
            Assert.Equal("235 2.7.0 Authentication successful", await script.ReadLine());
            await script.Send("QUIT");
            await script.Expect("221");
        }

        var lines = await TranscriptKit.Take(watch, line => line.Text.StartsWith("221", StringComparison.Ordinal));
        var text = lines.Select(line => $"{(char)line.Direction} {line.Text}").ToList();
        Assert.StartsWith("S 220 ", text[0], StringComparison.Ordinal);
        Assert.Equal("C EHLO client", text[1]);
        Assert.Contains("C AUTH PLAIN ***", text);
        Assert.Equal("S 235 2.7.0 Authentication successful", text[text.IndexOf("C AUTH PLAIN ***") + 1]);
        Assert.Equal("C QUIT", text[^2]);
        Assert.DoesNotContain(text, line => line.Contains(Plain("bob", "secret"), StringComparison.Ordinal));
        Assert.Single(lines.Select(line => line.ConnectionId).Distinct());
    }

    [Fact]
    public async Task AuthLoginContinuationLinesAreRedacted()
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Smtp);
        var host = new SmtpHost(security: Security());
        await using (var script = await host.ConnectFrom(Loopback))
        {
            await script.Send("EHLO client");
            await script.ExpectSmtpMultiline("250");
            await script.Send("AUTH LOGIN");
            await script.Expect("334");
            await script.Send(B64("bob"));
            await script.Expect("334");
            await script.Send(B64("secret"));
            await script.Expect("235");
        }

        var lines = await TranscriptKit.Take(watch, line => line.Text.StartsWith("235", StringComparison.Ordinal));
        var text = lines.Select(line => $"{(char)line.Direction} {line.Text}").SkipWhile(line => line != "C AUTH LOGIN").ToList();
        Assert.Equal(["C AUTH LOGIN", "S 334 VXNlcm5hbWU6", "C ***", "S 334 UGFzc3dvcmQ6", "C ***", "S 235 2.7.0 Authentication successful"], text);
    }

    [Fact]
    public async Task TwoConnectionsGetTwoIdsAndAnUnwatchedProtocolSeesNothing()
    {
        using var pop3 = Transcripts.Watch(TranscriptProtocol.Pop3);
        using var watch = Transcripts.Watch(TranscriptProtocol.Smtp);
        var host = new SmtpHost();
        await using (var first = await host.Connect())
        await using (var second = await host.Connect())
        {
            await first.Send("NOOP");
            await first.Expect("250");
            await second.Send("NOOP");
            await second.Expect("250");
        }

        var lines = await TranscriptKit.Take(watch, line => line.Text.StartsWith("250", StringComparison.Ordinal), count: 2);
        Assert.Equal(2, lines.Select(line => line.ConnectionId).Distinct().Count());
        Assert.False(pop3.Reader.TryRead(out _));
    }

    [Fact]
    public async Task AFullWatcherDropsLinesAndNeverBlocksTheSession()
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Smtp, capacity: 2);
        var host = new SmtpHost();
        await using var script = await host.Connect();
        for (var i = 0; i < 20; i++)
        {
            await script.Send("NOOP");
            await script.Expect("250");
        }

        Assert.True(watch.Dropped > 0);
        Assert.Equal(2, watch.Reader.Count);
    }

    [Fact]
    public async Task AnUnwatchedSessionPublishesNothingAndTheSwitchIsOff()
    {
        var host = new SmtpHost();
        await using (var script = await host.Connect())
        {
            await script.Send("NOOP");
            await script.Expect("250");
        }

        Assert.False(Transcripts.SmtpWatched);
        using var watch = Transcripts.Watch(TranscriptProtocol.Smtp);
        Assert.True(Transcripts.SmtpWatched);
        Assert.False(watch.Reader.TryRead(out _));
        watch.Dispose();
        Assert.False(Transcripts.SmtpWatched);
        Assert.True(watch.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void TheSwitchReadAllocatesNothing()
    {
        var watched = false;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            watched |= Transcripts.SmtpWatched | Transcripts.Pop3Watched;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(watched);
    }

    [Fact]
    public void ALongLineIsCutAndMarked()
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Smtp);
        Transcripts.PublishServer(TranscriptProtocol.Smtp, 1, new string('x', 2000).Select(c => (byte)c).ToArray());
        Assert.True(watch.Reader.TryRead(out var line));
        Assert.Equal(new string('x', Transcripts.MaxLineLength) + "…", line.Text);
    }

    [Theory]
    [InlineData("PASS secret words", "PASS ***")]
    [InlineData("pass x", "pass ***")]
    [InlineData("PASS", "PASS")]
    [InlineData("AUTH PLAIN AGJvYgBzZWNyZXQ=", "AUTH PLAIN ***")]
    [InlineData("auth login Ym9i", "auth login ***")]
    [InlineData("AUTH LOGIN", "AUTH LOGIN")]
    [InlineData("APOP mrose c4c9334bac560ecc979e58001b3e22fb", "APOP mrose ***")]
    [InlineData("PASSWORD x", "PASSWORD x")]
    [InlineData("MAIL FROM:<a@b>", "MAIL FROM:<a@b>")]
    public void ClientLinesAreRedacted(string line, string shown)
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Pop3);
        Transcripts.PublishClient(TranscriptProtocol.Pop3, 7, System.Text.Encoding.ASCII.GetBytes(line));
        Assert.True(watch.Reader.TryRead(out var published));
        Assert.Equal(new TranscriptLine(7, TranscriptDirection.Client, shown, published.Time), published);
    }
}

internal static class TranscriptKit
{
    /// <summary>Reads lines until <paramref name="count"/> lines matched <paramref name="last"/>; fails after 10 seconds.</summary>
    public static async Task<List<TranscriptLine>> Take(TranscriptWatch watch, Func<TranscriptLine, bool> last, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<TranscriptLine>();
        await foreach (var line in watch.Reader.ReadAllAsync(timeout.Token))
        {
            lines.Add(line);
            if (last(line) && --count == 0)
            {
                break;
            }
        }

        return lines;
    }
}
