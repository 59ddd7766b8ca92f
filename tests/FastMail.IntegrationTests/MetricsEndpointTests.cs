using System.Globalization;
using System.Net.Http;
using System.Text.RegularExpressions;
using FastMail.Cli;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// metrics.listen: `GET /metrics` of an in-process server in the Prometheus text format, its counters moved by real SMTP
/// and POP3 dialogues, and `fastmail status` over the admin socket. Each server has its own meter, so tests running in
/// parallel do not move each other's counters and exact differences hold.
/// </summary>
public sealed partial class MetricsEndpointTests
{
    private static readonly (string Key, string Value) MetricsOn = ("metrics.listen", "127.0.0.1:0");

    [Fact]
    public async Task MetricsAreOffByDefault()
    {
        await using var server = TestServer.Start(TestServer.Motriles);
        Assert.Empty(server.MetricsEndPoints);
    }

    [Fact]
    public async Task TheEndpointServesThePrometheusTextFormat()
    {
        await using var server = TestServer.Start(TestServer.Motriles, MetricsOn);
        using var http = new HttpClient();
        using var response = await http.GetAsync(MetricsUri(server));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var samples = Exposition.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, samples["fastmail_messages_accepted_total"]);
        Assert.Equal(0, samples["fastmail_messages_rejected_total{reason=\"unknown_user\"}"]);
        Assert.Equal(0, samples["fastmail_queue_depth"]);
        Assert.True(samples["fastmail_storage_used_bytes"] > 0);
        Assert.True(samples.ContainsKey("fastmail_connections_open{listener=\"SMTP\"}"));
        Assert.True(samples.ContainsKey("fastmail_connections_open{listener=\"POP3S\"}"));

        using var other = await http.GetAsync(new Uri(MetricsUri(server), "/"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task AnAcceptedMessageMovesTheAcceptedCounterByOneAndTheBytesAndTheCommitHistogram()
    {
        await using var server = TestServer.Start(TestServer.Motriles, MetricsOn);
        var before = await ScrapeAsync(server);

        await using (var smtp = await StartTransactionAsync(server))
        {
            await smtp.SendLineAsync("RCPT TO:<motriles@fastmail.test>");
            await smtp.ExpectAsync("250");
            await smtp.SendLineAsync("DATA");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync("Subject: counted\r\n\r\nhello metrics\r\n.\r\n");
            await smtp.ExpectAsync("250 2.0.0");
            await smtp.SendLineAsync("QUIT");
            await smtp.ExpectAsync("221");
        }

        var after = await ScrapeAsync(server);
        Assert.Equal(1, after["fastmail_messages_accepted_total"] - before["fastmail_messages_accepted_total"]);
        Assert.True(after["fastmail_messages_received_bytes_total"] - before["fastmail_messages_received_bytes_total"] >= "Subject: counted\r\n\r\nhello metrics\r\n".Length);
        Assert.True(after["fastmail_commit_duration_seconds_count"] >= 1);
        Assert.Equal(after["fastmail_commit_duration_seconds_count"], after["fastmail_commit_duration_seconds_bucket{le=\"+Inf\"}"]);
        Assert.True(after["fastmail_commit_duration_seconds_sum"] > 0);
        Assert.Equal(1, after["fastmail_commands_total{protocol=\"smtp\",verb=\"DATA\"}"]);
        Assert.Equal(1, after["fastmail_commands_total{protocol=\"smtp\",verb=\"QUIT\"}"]);
        Assert.True(after["fastmail_connections_accepted_total{listener=\"SMTP\"}"] >= 1);
        Assert.Equal(0, after["fastmail_messages_rejected_total{reason=\"unknown_user\"}"]);
    }

    [Fact]
    public async Task RefusedRecipientsMoveTheRejectedCounterOfTheirReason()
    {
        await using var server = TestServer.Start(TestServer.Motriles, MetricsOn);
        var before = await ScrapeAsync(server);

        await using (var smtp = await StartTransactionAsync(server))
        {
            await smtp.SendLineAsync("RCPT TO:<nobody@fastmail.test>");
            await smtp.ExpectAsync("550 5.1.1");
            await smtp.SendLineAsync("RCPT TO:<someone@elsewhere.example>");
            await smtp.ExpectAsync("554 5.7.1");
            await smtp.SendLineAsync("FROB");
            await smtp.ExpectAsync("500");
        }

        var after = await ScrapeAsync(server);
        Assert.Equal(1, after["fastmail_messages_rejected_total{reason=\"unknown_user\"}"] - before["fastmail_messages_rejected_total{reason=\"unknown_user\"}"]);
        Assert.Equal(1, after["fastmail_messages_rejected_total{reason=\"relay_denied\"}"] - before["fastmail_messages_rejected_total{reason=\"relay_denied\"}"]);
        Assert.Equal(0, after["fastmail_messages_accepted_total"]);
        Assert.Equal(1, after["fastmail_commands_total{protocol=\"smtp\",verb=\"other\"}"]);
    }

    [Fact]
    public async Task APop3LoginFailureMovesTheLoginFailures()
    {
        await using var server = TestServer.Start(TestServer.Motriles, MetricsOn, ("accounts.loginPenalty", "false"));
        var before = await ScrapeAsync(server);

        await using (var pop3 = await LineClient.ConnectAsync(server.Pop3Port))
        {
            await pop3.ExpectAsync("+OK");
            await pop3.SendLineAsync("USER motriles");
            await pop3.ExpectAsync("+OK");
            await pop3.SendLineAsync("PASS wrong");
            await pop3.ExpectAsync("-ERR");
        }

        var after = await ScrapeAsync(server);
        Assert.Equal(1, after["fastmail_login_failures_total{protocol=\"pop3\"}"] - before["fastmail_login_failures_total{protocol=\"pop3\"}"]);
        Assert.Equal(0, after["fastmail_login_failures_total{protocol=\"smtp\"}"]);
        Assert.Equal(1, after["fastmail_commands_total{protocol=\"pop3\",verb=\"PASS\"}"]);
    }

    [Fact]
    public async Task RelayedRecipientsAreCountedByOutcome()
    {
        await using var peer = new FastMail.Testing.Relay.ScriptedSmtpPeer();
        peer.RcptReplies["later@held.test"] = "451 4.3.0 not now";
        await using var server = TestServer.Start(TestServer.Motriles, MetricsOn, ("relay.routes", $"ok.test=127.0.0.1:{peer.Port},held.test=127.0.0.1:{peer.Port}"));
        await using (var smtp = await LineClient.ConnectAsync(server.SmtpPort))
        {
            await smtp.ExpectAsync("220");
            await smtp.SendLineAsync("EHLO client.example");
            await smtp.ExpectSmtpAsync("250");
            // AUTH PLAIN over loopback is allowed without TLS; "\0motriles\0jose" in base64.
            await smtp.SendLineAsync("AUTH PLAIN " + Convert.ToBase64String("\0motriles\0jose"u8.ToArray()));
            await smtp.ExpectAsync("235");
            await smtp.SendLineAsync("MAIL FROM:<motriles@fastmail.test>");
            await smtp.ExpectAsync("250");
            await smtp.SendLineAsync("RCPT TO:<someone@ok.test>");
            await smtp.ExpectAsync("250");
            await smtp.SendLineAsync("RCPT TO:<later@held.test>");
            await smtp.ExpectAsync("250");
            await smtp.SendLineAsync("DATA");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync("Subject: out\r\n\r\nrelayed\r\n.\r\n");
            await smtp.ExpectAsync("250 2.0.0");
        }

        var samples = await ScrapeAsync(server);
        for (var i = 0; i < 300 && (samples["fastmail_relay_recipients_total{outcome=\"sent\"}"] < 1 || samples["fastmail_relay_recipients_total{outcome=\"deferred\"}"] < 1); i++)
        {
            await Task.Delay(100);
            samples = await ScrapeAsync(server);
        }

        Assert.Equal(1, samples["fastmail_relay_recipients_total{outcome=\"sent\"}"]);
        Assert.Equal(1, samples["fastmail_relay_recipients_total{outcome=\"deferred\"}"]);
        Assert.Equal(0, samples["fastmail_relay_recipients_total{outcome=\"bounced\"}"]);
        Assert.Equal(1, samples["fastmail_queue_depth"]);
        Assert.Equal(0, samples["fastmail_login_failures_total{protocol=\"smtp\"}"]);
    }

    [Fact]
    public async Task TheStatusCommandShowsTheRunningServersNumbers()
    {
        await using var server = TestServer.Start(TestServer.Motriles, MetricsOn);
        await using (var smtp = await StartTransactionAsync(server))
        {
            await smtp.SendLineAsync("RCPT TO:<nobody@fastmail.test>");
            await smtp.ExpectAsync("550");
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await StatusCommand.RunAsync(Arguments.Parse(["status", "--data-dir", server.DataDirectory]), output, error);

        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        var text = output.ToString();
        Assert.Matches(@"^FastMail \S+, up \d\d:\d\d:\d\d", text);
        Assert.Matches($@"\n  SMTP +127\.0\.0\.1:{server.SmtpPort} +\d+ open", text);
        Assert.Matches($@"\n  POP3 +127\.0\.0\.1:{server.Pop3Port} +0 open", text);
        Assert.Contains("  accepted     0 (0 B)", text, StringComparison.Ordinal);
        Assert.Contains("  rejected     1 (unknown user 1)", text, StringComparison.Ordinal);
        Assert.Contains("Queue:         0 messages waiting for delivery", text, StringComparison.Ordinal);
        Assert.Matches(@"\nStorage: +[\d.]+ [KMG]?i?B used, [\d.]+ [KMGT]?i?B free", text);
        Assert.Contains("Failed logins: 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStatusCommandCountsMessagesWithoutTheMetricsEndpoint()
    {
        await using var server = TestServer.Start(TestServer.Motriles);
        Assert.Empty(server.MetricsEndPoints);
        await using (var smtp = await StartTransactionAsync(server))
        {
            await smtp.SendLineAsync("RCPT TO:<nobody@fastmail.test>");
            await smtp.ExpectAsync("550");
        }

        var output = new StringWriter();
        var exit = await StatusCommand.RunAsync(Arguments.Parse(["status", "--data-dir", server.DataDirectory]), output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("Listeners:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("  rejected     1 (unknown user 1)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStatusCommandExitsOneWhenNoServerRuns()
    {
        var dataDirectory = TempDirectory.Create("status-none");
        try
        {
            var error = new StringWriter();
            var exit = await StatusCommand.RunAsync(Arguments.Parse(["status", "--data-dir", dataDirectory]), new StringWriter(), error);

            Assert.Equal(1, exit);
            Assert.StartsWith("fastmail: server is not running (no ", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.DeleteQuietly(dataDirectory);
        }
    }

    /// <summary>Connects, greets with EHLO and opens a transaction from a@example.org: the caller goes on from RCPT.</summary>
    private static async Task<LineClient> StartTransactionAsync(TestServer server)
    {
        var smtp = await LineClient.ConnectAsync(server.SmtpPort);
        try
        {
            await smtp.ExpectAsync("220");
            await smtp.SendLineAsync("EHLO client.example");
            await smtp.ExpectSmtpAsync("250");
            await smtp.SendLineAsync("MAIL FROM:<a@example.org>");
            await smtp.ExpectAsync("250");
            return smtp;
        }
        catch
        {
            await smtp.DisposeAsync();
            throw;
        }
    }

    private static Uri MetricsUri(TestServer server) => new($"http://127.0.0.1:{server.MetricsEndPoints[0].Port}/metrics");

    private static async Task<Dictionary<string, double>> ScrapeAsync(TestServer server)
    {
        using var http = new HttpClient();
        return Exposition.Parse(await http.GetStringAsync(MetricsUri(server)));
    }

    /// <summary>
    /// A small parser of the Prometheus text format 0.0.4: every line is a comment (# HELP / # TYPE name type) or a sample
    /// "name{labels} value"; a sample must belong to a family declared by # TYPE before it. Samples by their text before the value.
    /// </summary>
    private static partial class Exposition
    {
        public static Dictionary<string, double> Parse(string text)
        {
            var samples = new Dictionary<string, double>(StringComparer.Ordinal);
            var families = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith('#'))
                {
                    var type = TypeLine().Match(line);
                    if (type.Success)
                    {
                        families.Add(type.Groups[1].Value);
                    }
                    else
                    {
                        Assert.StartsWith("# HELP ", line, StringComparison.Ordinal);
                    }

                    continue;
                }

                var sample = SampleLine().Match(line);
                Assert.True(sample.Success, $"not a sample line: {line}");
                var name = sample.Groups[1].Value;
                Assert.True(
                    families.Contains(name) || families.Contains(Regex.Replace(name, "_(bucket|sum|count)$", "")),
                    $"sample before its # TYPE: {line}");
                var value = sample.Groups[3].Value switch
                {
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
                };
                Assert.True(samples.TryAdd(name + sample.Groups[2].Value, value), $"duplicate sample: {line}");
            }

            return samples;
        }

        [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
        private static partial Regex TypeLine();

        [GeneratedRegex("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\",?)*\\})? (\\S+)$")]
        private static partial Regex SampleLine();
    }
}
