using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastMail.Load.Cli;
using FastMail.Load.Messages;
using FastMail.Load.Report;
using FastMail.Load.Scenarios;
using FastMail.Load.Simulations;

namespace FastMail.Load.Tests;

/// <summary>The relay scenario: its sink as a script, its ledger, and whole runs through <see cref="FakeRelay"/>.</summary>
public sealed class RelayTests
{
    private static RunResult Run(params string[] args)
    {
        var options = ArgParser.Parse([.. args, "--no-report", "--timeout", "10s"]);
        ISchedule schedule = options.Rate is { } rate
            ? new ConstantRate(rate, options.Concurrency, options.Count)
            : new ConstantConcurrency(options.Concurrency, options.Count);
        return new RelayScenario(options, schedule, new ServerProbe([])).RunAsync().GetAwaiter().GetResult();
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static byte[] Message(string id, int size = 2048) =>
        new MessageGenerator(size, "a@b.test", seed: 7).Build(id, "u@remote.test").ToArray();

    private static string Feed(RelaySink.Session session, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var start = 0;
        for (var lf = Array.IndexOf(bytes, (byte)'\n'); lf >= 0; lf = Array.IndexOf(bytes, (byte)'\n', start))
        {
            session.Line(bytes.AsSpan(start, lf + 1 - start));
            start = lf + 1;
        }
        var replies = Encoding.ASCII.GetString(session.Output.WrittenSpan);
        session.Output.ResetWrittenCount();
        return replies;
    }

    [Fact]
    public void SinkAnswersAPipelinedTransactionInOrderAndReportsTheIntactMessageWithItsId()
    {
        var arrivals = new List<(string? Id, VerifyResult Result)>();
        var session = new RelaySink.Session((id, result, _) => arrivals.Add((id, result)));

        Assert.Contains("250-PIPELINING\r\n", Feed(session, "EHLO relay.test\r\n"), StringComparison.Ordinal);
        var replies = Feed(session, "MAIL FROM:<a@b.test>\r\nRCPT TO:<u@remote.test>\r\nDATA\r\n");
        Assert.Equal("250 2.0.0 ok\r\n250 2.0.0 ok\r\n354 end with <CRLF>.<CRLF>\r\n", replies);
        // The generated payload is dot-stuffed and ends with CRLF.CRLF; a relay puts a Received line on top.
        var payload = "Received: from somewhere\r\n" + Encoding.ASCII.GetString(Message("run1-0-0"));
        Assert.Equal("250 2.0.0 accepted by sink\r\n", Feed(session, payload));
        Assert.Equal([("run1-0-0", VerifyResult.Intact)], arrivals);

        Assert.Equal("221 2.0.0 bye\r\n", Feed(session, "RSET\r\nQUIT\r\n")[14..]);
        Assert.True(session.Quit);
    }

    [Fact]
    public void SinkReportsABodyChangedOnTheWayAsCorrupt()
    {
        VerifyResult? seen = null;
        var session = new RelaySink.Session((_, result, _) => seen = result);
        var text = Encoding.ASCII.GetString(Message("run1-0-1"));
        var at = text.Length - 150;
        text = text[..at] + (text[at] == 'x' ? 'y' : 'x') + text[(at + 1)..];
        Feed(session, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" + text);
        Assert.Equal(VerifyResult.Corrupt, seen);
    }

    [Theory]
    [InlineData("X-Load-Id: r-1-2\r\nSubject: s\r\n\r\nbody\r\n", "r-1-2")]
    [InlineData("Subject: s\r\nx-load-id:  r-3-4 \r\n\r\nbody\r\n", "r-3-4")]
    [InlineData("Subject: s\r\n\r\nX-Load-Id: in-the-body\r\n", null)]
    [InlineData("Subject: X-Load-Id: not-at-line-start\r\n\r\n", null)]
    public void SinkReadsTheIdOnlyFromAHeaderLine(string message, string? id) =>
        Assert.Equal(id, RelaySink.ReadId(Encoding.ASCII.GetBytes(message)));

    [Fact]
    public void LedgerCountsMissingDuplicateUnknownAndEarlyArrivals()
    {
        var ledger = new RelayLedger();
        var t = Stopwatch.GetTimestamp();
        var ms = Stopwatch.Frequency / 1000;
        for (var i = 0; i < 4; i++)
        {
            ledger.Submitting($"m{i}", t);
            ledger.Acknowledged($"m{i}", t + 10 * ms);
        }
        ledger.Submitting("failed", t);                            // never acknowledged, yet arrives
        ledger.Arrived("m0", VerifyResult.Intact, t + 30 * ms);     // 20 ms after its 250
        ledger.Arrived("m1", VerifyResult.Intact, t + 110 * ms);    // 100 ms after its 250
        ledger.Arrived("m1", VerifyResult.Intact, t + 120 * ms);    // duplicate
        ledger.Arrived("m2", VerifyResult.Corrupt, t + 5 * ms);     // before its sender read the 250
        ledger.Arrived("failed", VerifyResult.Intact, t + 40 * ms);
        ledger.Arrived("old-run", VerifyResult.Intact, t + 40 * ms);
        ledger.Arrived(null, VerifyResult.Foreign, t + 40 * ms);
        Assert.Equal(1, ledger.Pending());                          // m3

        var s = ledger.Summarize();
        Assert.Equal((5L, 4L, 3L, 1L), (s.Attempted, s.Acknowledged, s.Delivered, s.Missing));
        Assert.Equal((1L, 1L, 1L, 1L), (s.Duplicates, s.DeliveredUnacknowledged, s.Unexpected, s.WithoutId));
        Assert.Equal((1L, 1L), (s.Corrupt, s.ArrivedBeforeAck));
        Assert.False(s.Clean);
        Assert.Equal(3, s.AfterAck.Histogram.TotalCount);
        Assert.InRange(s.AfterAck.MaxMs, 99, 101);
        Assert.InRange(s.AfterSubmit.MaxMs, 109, 111);
        // Delivered: first 250 (t+10) to the last first arrival (t+110).
        Assert.InRange(s.DeliverWindow.TotalMilliseconds, 99.9, 100.1);
        Assert.InRange(s.DeliveredPerSecond, 29.9, 30.1);
    }

    [Fact]
    public void EveryMessageAFaithfulRelayAcknowledgesArrivesOnceAndIntact()
    {
        var sinkPort = FreePort();
        using var relay = new FakeRelay(sinkPort);
        var run = Run("relay", "--port", relay.Port.ToString(), "--sink-port", sinkPort.ToString(), "--concurrency", "4",
            "--messages", "60", "--per-connection", "5", "--size", "3k", "--to", "u@remote.test", "--drain-timeout", "20s");
        var r = run.Relay!;
        Assert.Equal(60, run.TotalOk);
        Assert.Equal((60L, 60L, 0L, 0L, 0L), (r.Acknowledged, r.Delivered, r.Missing, r.Duplicates, r.Corrupt));
        Assert.True(r.Clean);
        Assert.Equal(60, r.AfterAck.Histogram.TotalCount);
        Assert.True(r.DeliveredPerSecond > 0);
        // The fake relay forwards over one cached connection.
        Assert.Equal(1, r.SinkConnections);
    }

    [Fact]
    public void ALostARepeatedAndACorruptedMessageAreEachCounted()
    {
        var sinkPort = FreePort();
        using var relay = new FakeRelay(sinkPort) { Lose = 3, Repeat = 5, Corrupt = 7 };
        var started = Stopwatch.StartNew();
        var run = Run("relay", "--port", relay.Port.ToString(), "--sink-port", sinkPort.ToString(), "--concurrency", "2",
            "--messages", "12", "--to", "u@remote.test", "--drain-timeout", "1s");
        var r = run.Relay!;
        Assert.Equal(12, r.Acknowledged);
        Assert.Equal((11L, 1L, 1L, 1L), (r.Delivered, r.Missing, r.Duplicates, r.Corrupt));
        Assert.False(r.Clean);
        // The lost message costs the drain timeout, no more.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(8), $"took {started.Elapsed}");
    }

    [Fact]
    public void AServerThatRefusesRemoteRecipientsFailsTheRunAtOnce()
    {
        var sinkPort = FreePort();
        using var relay = new FakeRelay(sinkPort) { RefuseRecipients = true };
        var started = Stopwatch.StartNew();
        var run = Run("relay", "--port", relay.Port.ToString(), "--sink-port", sinkPort.ToString(), "--concurrency", "4",
            "--messages", "20000", "--to", "u@remote.test");
        // One refusal per worker, then each stops: no 20000 refusals, no wait for the drain.
        Assert.Equal(0, run.TotalOk);
        Assert.Equal(4, run.Metrics.Single().Errors["smtp-rcpt-554"]);
        Assert.Equal(0, run.Relay!.Acknowledged);
        Assert.False(run.Relay.Clean);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.Contains("smtp-rcpt-554", MarkdownReport.Render(run), StringComparison.Ordinal);
    }

    [Fact]
    public void SendersPointedAtTheSinkMeasureTheDirectPath()
    {
        var port = FreePort();
        var run = Run("relay", "--port", port.ToString(), "--sink-port", port.ToString(), "--concurrency", "3",
            "--messages", "30", "--to", "u@remote.test");
        Assert.True(run.Relay!.Clean);
        Assert.Equal(30, run.Relay.Delivered);
        Assert.Contains("runner ceiling", run.Model, StringComparison.Ordinal);
        var line = MarkdownReport.ResultLine(run);
        Assert.Contains(" delivered=30 missing=0 duplicates=0 ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp-rcpt-554", true)]
    [InlineData("smtp-rcpt-553", true)]
    [InlineData("smtp-mail-550", true)]
    [InlineData("smtp-rcpt-451", false)]
    [InlineData("smtp-data-end-554", false)]
    [InlineData("timeout", false)]
    public void OnlyAPermanentRefusalOfMailOrRcptStopsASender(string kind, bool stops) =>
        Assert.Equal(stops, RelaySendWorker.IsPermanentRefusal(kind));

    [Fact]
    public void RelayCountsEveryMessageSoItHasNoWarmupAndEndsByCount()
    {
        var o = ArgParser.Parse(["relay", "--to", "u@remote.test", "--messages", "500"]);
        Assert.Equal((TimeSpan.Zero, TimeSpan.FromMinutes(10), 500L), (o.Warmup, o.Duration, o.Count));
        Assert.Equal((2525, 2626), (o.Port, o.SinkPort));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["relay", "--to", "u@r", "--warmup", "2s"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["relay", "--to", "u@r", "--recipients", "2"]));
        Assert.Throws<ArgumentException>(() => ArgParser.Parse(["relay", "--sink-port", "2626"]));
    }
}
