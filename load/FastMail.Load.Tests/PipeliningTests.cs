using FastMail.Load.Cli;
using FastMail.Load.Report;
using FastMail.Load.Simulations;

namespace FastMail.Load.Tests;

/// <summary>smtp-send --pipelining against <see cref="PipeliningRecorder"/>, which sees every read boundary.</summary>
public sealed class PipeliningTests
{
    private const string Group3 = "MAIL FROM:<load@bench.test>\r\nRCPT TO:<u1@d>\r\nRCPT TO:<u2@d>\r\nRCPT TO:<u3@d>\r\nDATA\r\n";

    private static async Task<RunResult> Send(int port, params string[] args)
    {
        var options = ArgParser.Parse(["smtp-send", "--port", port.ToString(), "--concurrency", "1", "--warmup", "0s",
            "--duration", "30s", "--no-report", "--timeout", "10s", .. args]);
        return await new Simulation(options, new ConstantConcurrency(options.Concurrency, options.Count), new ServerProbe([])).RunAsync();
    }

    [Fact]
    public async Task TheEnvelopeGoesInOneWriteAndTheFinalDotCarriesTheNextEnvelope()
    {
        using var server = new PipeliningRecorder();
        var run = await Send(server.Port, "--pipelining", "--count", "6", "--per-connection", "3", "--recipients", "3",
            "--to", "u1@d,u2@d,u3@d");

        Assert.Equal((6L, 0L), (run.TotalOk, run.TotalFailed));
        Assert.Equal(6, server.MessagesAccepted);
        // The recorder holds MAIL/RCPT replies until DATA arrives: a client waiting for them would have stalled it.
        Assert.Equal(0, server.Stalls);
        var reads = server.Reads;
        // Each of the 2 connections starts with one read holding the whole first group and nothing else.
        Assert.Equal(2, reads.Count(r => r == Group3));
        // Messages 1 and 2 of each connection end in the same read as the next message's group.
        Assert.Equal(4, reads.Count(r => r.EndsWith("\r\n.\r\n" + Group3, StringComparison.Ordinal)));
        // The third message of a connection ends alone; QUIT comes after its 250.
        Assert.Equal(2, reads.Count(r => r.EndsWith("\r\n.\r\n", StringComparison.Ordinal) && r.Contains("X-Load-Checksum", StringComparison.Ordinal)));
        Assert.Equal(2, reads.Count(r => r == "QUIT\r\n"));
        Assert.DoesNotContain(reads, r => r.StartsWith("RSET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutPipeliningTheRecorderSeesAStallSoItsCheckMeansSomething()
    {
        using var server = new PipeliningRecorder();
        var run = await Send(server.Port, "--count", "1", "--to", "u1@d");
        Assert.Equal(1L, run.TotalOk);
        Assert.Equal(1, server.Stalls);
        Assert.Contains("MAIL FROM:<load@bench.test>\r\n", server.Reads);
    }

    [Fact]
    public async Task ARejectedRecipientFailsItsOwnMessageWithTheSameKeyAsOneAtATime()
    {
        using var server = new PipeliningRecorder();
        // Recipients rotate u1, bad1, u1, bad1, ...: every second message is refused at RCPT, including
        // those whose group went out ahead with the previous message's final dot.
        var piped = await Send(server.Port, "--pipelining", "--count", "8", "--per-connection", "4", "--to", "u1@d,bad1@d");
        Assert.Equal(4L, piped.TotalOk);
        Assert.Equal(4L, piped.TotalFailed);
        Assert.Equal(4, piped.Metrics.Single().Errors["smtp-rcpt-550"]);
        Assert.Equal(4, server.MessagesAccepted);

        var oneAtATime = await Send(server.Port, "--count", "2", "--per-connection", "4", "--to", "u1@d,bad1@d");
        Assert.Equal((1L, 1L), (oneAtATime.TotalOk, oneAtATime.TotalFailed));
        Assert.Equal(1, oneAtATime.Metrics.Single().Errors["smtp-rcpt-550"]);
    }

    [Fact]
    public async Task AServerThatDoesNotListPipeliningGetsNoGroupAndEveryMessageFails()
    {
        using var server = new PipeliningRecorder(advertisePipelining: false);
        var run = await Send(server.Port, "--pipelining", "--count", "3", "--to", "u1@d");
        Assert.Equal(0L, run.TotalOk);
        Assert.Equal(3, run.Metrics.Single().Errors["smtp-no-pipelining"]);
        Assert.DoesNotContain(server.Reads, r => r.Contains("MAIL FROM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PipelinedMessagesArriveIntactAtARealishServer()
    {
        using var server = new FakeMailServer();
        // FakeMailServer reads line by line and answers each at once: pipelined input must still parse.
        var run = await Send(server.SmtpPort, "--pipelining", "--concurrency", "2", "--count", "10", "--per-connection", "5",
            "--recipients", "2", "--to", "u1@d,u2@d", "--size", "2k");
        Assert.Equal((10L, 0L), (run.TotalOk, run.TotalFailed));
        Assert.Equal(20, server.Count("u1") + server.Count("u2"));
    }
}
