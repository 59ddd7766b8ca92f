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

    [Fact]
    public async Task IdleSpreadsItsConnectionsOverTheLoopbackSourceAddresses()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var sources = new List<string>();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = Task.Run(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                var socket = await listener.AcceptSocketAsync();
                sources.Add(((System.Net.IPEndPoint)socket.RemoteEndPoint!).Address.ToString());
                await socket.SendAsync("220 hi\r\n"u8.ToArray());
            }
        });
        try
        {
            var options = ArgParser.Parse(["idle", "--port", port.ToString(), "--connections", "6", "--hold", "200ms",
                "--source-addresses", "3", "--no-report", "--timeout", "5s"]);
            var run = await new ConnectionsScenario(options, new ServerProbe([])).RunAsync();
            await accepting;
            Assert.Equal(6, run.ConnectionsHeld);
            Assert.Equal(["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"], sources.Order());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void TheListeningProcessOfAPortIsFound()
    {
        using var server = new FakeMailServer();
        Assert.Equal(Environment.ProcessId, ListeningProcess.Find(server.SmtpPort));
    }
}
