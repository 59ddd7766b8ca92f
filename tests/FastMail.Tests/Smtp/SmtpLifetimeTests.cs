namespace FastMail.Tests.Smtp;

public sealed class SmtpLifetimeTests
{
    [Fact]
    public async Task IdleClientGets421TimeoutAndTheConnectionCloses()
    {
        var host = new SmtpHost(o => o.CommandTimeout = TimeSpan.FromMilliseconds(200));
        await using var script = await host.Connect();
        Assert.Equal("421 4.4.2 mx.example.com Error: timeout exceeded", await script.ReadLine());
        Assert.True(await script.IsClosed());
    }

    [Fact]
    public async Task CommandLineTricklingInByteByByteStillTimesOut()
    {
        // Slowloris: every byte arrives well within the timeout, but the line never completes. The deadline is per
        // line, so the 421 comes while the client is still trickling, not after it stops.
        var host = new SmtpHost(o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        await using var script = await host.Connect();
        var stillSending = true;
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < 100 && Volatile.Read(ref stillSending); i++)
            {
                await script.SendRaw("X");
                await Task.Delay(50);
            }

            Volatile.Write(ref stillSending, false);
        });
        Assert.Equal("421 4.4.2 mx.example.com Error: timeout exceeded", await script.ReadLine());
        Assert.True(Volatile.Read(ref stillSending), "the timeout only came after the client stopped sending");
        Volatile.Write(ref stillSending, false);
        await trickle;
    }

    [Fact]
    public async Task StalledDataGets421TimeoutAndNothingIsStored()
    {
        var host = new SmtpHost(o => o.DataTimeout = TimeSpan.FromMilliseconds(200));
        var store = host.Recorder;
        await using var script = await host.ConnectWithSender();
        await script.Send("RCPT TO:<bob@example.com>");
        await script.Expect("250 2.1.5");
        await script.Send("DATA");
        await script.Expect("354");
        await script.SendRaw("Subject: stalled\r\n");
        Assert.Equal("421 4.4.2 mx.example.com Error: timeout exceeded", await script.ReadLine());
        Assert.True(await script.IsClosed());
        await script.Session;
        Assert.Equal(1, store.Disposed);
        Assert.Empty(host.Store.Messages("bob"));
        Assert.Equal(0, host.Store.CommitCount);
    }

    [Fact]
    public async Task ClientThatNeverReadsItsRepliesIsDisconnectedAsTimedOutOnceItsRepliesBackUp()
    {
        var host = new SmtpHost(o => o.CommandTimeout = TimeSpan.FromMilliseconds(300));
        await using var script = await host.Connect();
        await script.SendRaw(string.Concat(Enumerable.Repeat("NOOP\r\n", 10_000)));
        await script.Session.WaitAsync(TimeSpan.FromSeconds(10));

        // What the session wrote before it hung up is still in the pipe. The flush of the unread replies is what
        // timed out, so no 421 follows them: the client would not read it either. Why it closed is in the log.
        var replies = new List<string>();
        while (!await script.IsClosed())
        {
            replies.Add(await script.ReadLine());
        }

        Assert.InRange(replies.Count, 1, 10_000);
        Assert.All(replies, reply => Assert.Equal("250 2.0.0 Ok", reply));
        Assert.Contains(host.Logger.Entries, e => e.EventId == 5007 && e.Message.Contains("192.0.2.7", StringComparison.Ordinal) && e.Message.EndsWith("timed out", StringComparison.Ordinal));
        Assert.False(host.Logger.Has(5006), "the session ended as a connection error, not as a timeout");
    }

    [Fact]
    public async Task ShutdownWhileWaitingForACommandGets421()
    {
        using var shutdown = new CancellationTokenSource();
        var host = new SmtpHost();
        await using var script = await host.Connect(shutdown.Token);
        await script.Send("NOOP");
        await script.Expect("250");
        await shutdown.CancelAsync();
        Assert.Equal("421 4.3.2 mx.example.com Service shutting down", await script.ReadLine());
        Assert.True(await script.IsClosed());
    }

    [Fact]
    public async Task ShutdownDuringDataLetsTheMessageFinishFirst()
    {
        using var shutdown = new CancellationTokenSource();
        var host = new SmtpHost();
        await using var script = await host.Connect(shutdown.Token);
        await script.SendRaw("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
        await script.Expect("250 2.1.0");
        await script.Expect("250 2.1.5");
        await script.Expect("354");
        await script.SendRaw("first half\r\n");
        await shutdown.CancelAsync();
        await script.SendRaw("second half\r\n.\r\n");
        await script.Expect("250 2.0.0 Ok: queued as ");
        Assert.Equal("421 4.3.2 mx.example.com Service shutting down", await script.ReadLine());
        Assert.Single(host.Store.Messages("bob"));
    }

    [Fact]
    public async Task QuitClosesAndCompletesTheSession()
    {
        var host = new SmtpHost();
        var script = await host.Connect();
        await script.Send("QUIT");
        Assert.Equal("221 2.0.0 Bye", await script.ReadLine());
        Assert.True(await script.IsClosed());
        await script.Session.WaitAsync(TimeSpan.FromSeconds(10));
        await script.DisposeAsync();
    }

    [Fact]
    public async Task PooledSessionsStartCleanForTheNextConnection()
    {
        var host = new SmtpHost();
        await using (var first = await host.Connect())
        {
            await first.Send("HELO first.example.net");
            await first.Expect("250");
            await first.Send("MAIL FROM:<a@example.net>");
            await first.Expect("250 2.1.0");
            for (var i = 0; i < 5; i++)
            {
                await first.Send("BOGUS");
                await first.Expect("500");
            }

            await first.CloseInput();
            await first.Session.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await using var second = await host.Connect();
        await second.Send("RCPT TO:<bob@example.com>");
        Assert.Equal("503 5.5.1 Error: need MAIL command", await second.ReadLine());
        for (var i = 0; i < 8; i++)
        {
            await second.Send("BOGUS");
            Assert.Equal("500 5.5.1 Error: command not recognized", await second.ReadLine());
        }

        await second.Send("MAIL FROM:<a@example.net>");
        await second.Expect("250 2.1.0");
        await second.Send("RCPT TO:<bob@example.com>");
        await second.Expect("250 2.1.5");
        await second.Send("DATA");
        await second.Expect("354");
        await second.SendRaw("x\r\n.\r\n");
        await second.Expect("250 2.0.0");
        Assert.Contains("Received: from [192.0.2.7] ([192.0.2.7])", System.Text.Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("bob"))), StringComparison.Ordinal);
    }
}
