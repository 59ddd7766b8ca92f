using FastMail.Load.Cli;
using FastMail.Load.Report;
using FastMail.Load.Scenarios;

namespace FastMail.Load.Tests;

public sealed class ConnectionsScenarioTests
{
    [Fact]
    public async Task ConnectionsOpensHoldsAndReportsTheServerRssAtThePlateau()
    {
        using var server = new FakeMailServer();
        var options = ArgParser.Parse(["connections", "--port", server.SmtpPort.ToString(), "--concurrency", "20",
            "--warmup", "0s", "--duration", "1500ms", "--no-report", "--server-pid", Environment.ProcessId.ToString()]);
        // The fake server lives in this test process, so its RSS is ours.
        var run = await new ConnectionsScenario(options, new ServerProbe(options.ServerPids)).RunAsync();
        Assert.Equal(20, run.ConnectionsHeld);
        Assert.Equal(20, run.Metrics.Single().Ok);
        Assert.True(run.ServerRssKibEnd > 0);
        Assert.Contains("held=20", MarkdownReport.ResultLine(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionsToAClosedPortAreCountedAsErrors()
    {
        int port;
        using (var server = new FakeMailServer())
        {
            port = server.Pop3Port;
        }
        var options = ArgParser.Parse(["connections", "--port", port.ToString(), "--concurrency", "3",
            "--warmup", "0s", "--duration", "200ms", "--no-report", "--timeout", "2s"]);
        var run = await new ConnectionsScenario(options, new ServerProbe([])).RunAsync();
        Assert.Equal(0, run.ConnectionsHeld);
        Assert.Equal(3, run.Metrics.Single().Failed);
    }
}
