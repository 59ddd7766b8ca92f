using FastMail.Load.Cli;
using FastMail.Load.Report;
using FastMail.Load.Simulations;

namespace FastMail.Load.Tests;

/// <summary>Whole runs of the runner against <see cref="FakeMailServer"/> on loopback.</summary>
public sealed class ScenarioTests : IDisposable
{
    private readonly FakeMailServer _server = new();

    public void Dispose() => _server.Dispose();

    private static async Task<RunResult> Run(params string[] args)
    {
        var options = ArgParser.Parse([.. args, "--no-report", "--timeout", "10s"]);
        ISchedule schedule = options.Rate is { } rate
            ? new ConstantRate(rate, options.Concurrency, options.Count)
            : new ConstantConcurrency(options.Concurrency, options.Count);
        return await new Simulation(options, schedule, new ServerProbe([])).RunAsync();
    }

    [Fact]
    public async Task SmtpSendStopsAtTheCountAndEveryAcknowledgedMessageArrives()
    {
        var run = await Run("smtp-send", "--port", _server.SmtpPort.ToString(), "--concurrency", "3", "--warmup", "0s",
            "--duration", "30s", "--count", "20", "--per-connection", "4", "--recipients", "2", "--to", "u1@d,u2@d", "--size", "3k");
        Assert.Equal(20, run.TotalOk);
        Assert.Equal(0, run.TotalFailed);
        // Each message went to two recipients in rotation: 40 deliveries over two mailboxes.
        Assert.Equal(40, _server.Count("u1") + _server.Count("u2"));
        Assert.Equal(20, run.Metrics.Single().Histogram.TotalCount);
    }

    [Fact]
    public async Task Pop3DrainRetrievesVerifiesAndDeletesEverything()
    {
        await Run("smtp-send", "--port", _server.SmtpPort.ToString(), "--concurrency", "2", "--warmup", "0s",
            "--duration", "30s", "--count", "12", "--to", "u1@d,u2@d", "--size", "5k");
        var drain = await Run("pop3-drain", "--port", _server.Pop3Port.ToString(), "--concurrency", "2", "--warmup", "0s",
            "--duration", "30s", "--users", "u1,u2", "--password", "pw");
        Assert.Equal(12, drain.TotalOk);
        Assert.Equal(0, drain.TotalFailed);
        Assert.Equal(12, drain.Metrics.Single().Notes["checksum-verified"]);
        Assert.Equal(0, _server.Count("u1") + _server.Count("u2"));
    }

    [Fact]
    public async Task Pop3DrainWithOpenFirstLogsInBeforeTheClockAndStillDrainsEverything()
    {
        await Run("smtp-send", "--port", _server.SmtpPort.ToString(), "--concurrency", "2", "--warmup", "0s",
            "--duration", "30s", "--count", "12", "--to", "u1@d,u2@d", "--size", "5k");
        // u3 has no mail: its session opens, finds nothing and ends without an error.
        var drain = await Run("pop3-drain", "--port", _server.Pop3Port.ToString(), "--concurrency", "3", "--warmup", "0s",
            "--duration", "30s", "--users", "u1,u2,u3", "--password", "pw", "--open-first");
        Assert.Equal((12L, 0L), (drain.TotalOk, drain.TotalFailed));
        Assert.Equal(0, _server.Count("u1") + _server.Count("u2"));
        Assert.NotNull(drain.OpenTime);
        Assert.Contains(" open_s=", MarkdownReport.ResultLine(drain));
    }

    [Fact]
    public async Task ARunReportsHowBusyTheMachineWasAndTheRunnersOwnCpu()
    {
        var send = await Run("smtp-send", "--port", _server.SmtpPort.ToString(), "--concurrency", "2", "--warmup", "0s",
            "--duration", "30s", "--count", "400", "--to", "u1@d", "--size", "5k");

        // 400 messages take far longer than one /proc/stat tick (10 ms), so the window has a share to report.
        Assert.InRange(send.MachineBusyShare!.Value, 0.0, 1.0);
        Assert.True(send.RunnerCpuSeconds > 0, $"the runner's own CPU: {send.RunnerCpuSeconds}");
        var line = MarkdownReport.ResultLine(send);
        Assert.Matches(@" machine_busy_pct=\d+\.\d ", line);
        Assert.Matches(@" runner_cpu_ms_per_op=\d+\.\d{3}", line);
    }

    [Fact]
    public async Task Pop3DrainCountsCorruptedMessagesAsErrors()
    {
        await Run("smtp-send", "--port", _server.SmtpPort.ToString(), "--concurrency", "1", "--warmup", "0s",
            "--duration", "30s", "--count", "3", "--to", "u1@d", "--size", "2k");
        _server.CorruptOnRetrieve = true;
        var drain = await Run("pop3-drain", "--port", _server.Pop3Port.ToString(), "--concurrency", "1", "--warmup", "0s",
            "--duration", "30s", "--users", "u1", "--password", "pw");
        Assert.Equal(3, drain.TotalFailed);
        Assert.Equal(3, drain.Metrics.Single().Errors["corrupt-message"]);
    }

    [Fact]
    public async Task Pop3LoginCountsRefusedPasswordsAsErrorsNotSuccesses()
    {
        var good = await Run("pop3-login", "--port", _server.Pop3Port.ToString(), "--concurrency", "2", "--warmup", "0s",
            "--duration", "30s", "--count", "10", "--users", "u1", "--password", "pw");
        Assert.Equal((10L, 0L), (good.TotalOk, good.TotalFailed));
        var bad = await Run("pop3-login", "--port", _server.Pop3Port.ToString(), "--concurrency", "2", "--warmup", "0s",
            "--duration", "30s", "--count", "4", "--users", "u1", "--password", "wrong");
        Assert.Equal(0, bad.TotalOk);
        Assert.Equal(4, bad.Metrics.Single().Errors["pop3-pass-err"]);
    }

    [Fact]
    public async Task OperationsStartedDuringTheWarmupAreNotCounted()
    {
        var run = await Run("pop3-login", "--port", _server.Pop3Port.ToString(), "--concurrency", "1", "--warmup", "300ms",
            "--duration", "300ms", "--rate", "20", "--users", "u1", "--password", "pw");
        // 20/s over 0.6 s schedules 12 logins; the 6 due in the warm-up are run but not counted.
        Assert.Equal(6, run.TotalOk);
    }

    [Fact]
    public async Task MixedRunsSendersAndDrainersAgainstBothPorts()
    {
        var run = await Run("mixed", "--port", _server.SmtpPort.ToString(), "--pop3-port", _server.Pop3Port.ToString(),
            "--concurrency", "2", "--warmup", "0s", "--duration", "1s", "--to", "u1@d", "--users", "u1", "--password", "pw");
        // Bounded by time, not by --count: the cap is shared, and a fast sender could take all of it before the drainer's
        // second look at the mailbox (its empty first looks count as started operations too).
        var sent = run.Metrics.Single(m => m.Name == "smtp-send");
        var drained = run.Metrics.Single(m => m.Name == "pop3-retr-dele");
        Assert.True(sent.Ok > 0);
        Assert.True(drained.Ok > 0);
        Assert.Equal(0, run.TotalFailed);
        Assert.Equal(drained.Ok, drained.Notes["checksum-verified"]);
    }
}
