using System.Collections.Concurrent;
using System.Globalization;
using FastMail.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace FastMail.IntegrationTests;

/// <summary>
/// The outbound queue under kill -9 (DESIGN contract 1 for relayed mail): the published binary accepts mail for a remote
/// domain from a trusted client while it delivers to a slow next hop, and is killed with SIGKILL again and again. Every
/// message that got 250 must reach the next hop at least once after the restarts; a message arrives twice at most when
/// the kill fell between the next hop's 250 and the queue's record of it. FASTMAIL_CRASH_ITERATIONS sets the kills.
/// </summary>
public sealed class QueueCrashTests(ITestOutputHelper output)
{
    private readonly ConcurrentDictionary<string, bool> _acknowledged = new();

    [Fact]
    public async Task AcknowledgedRelayMailIsDeliveredAfterRepeatedKillMinus9()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("FASTMAIL_CRASH_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 3;
        var dataDirectory = TempDirectory.Create("it");
        await using var sink = new TokenSink { DelayPerMessage = TimeSpan.FromMilliseconds(5) };
        string[] relay = ["--set", "relay.allowRelay=true", "--set", $"relay.routes=*=127.0.0.1:{sink.Port}", "--set", "queue.firstRetry=1s", "--set", "queue.maxRetry=2s"];
        var random = new Random(Environment.TickCount);
        try
        {
            for (var iteration = 0; iteration < iterations; iteration++)
            {
                await using var server = await ServerProcess.StartAsync(dataDirectory, relay);
                using var load = new CancellationTokenSource();
                var senders = Enumerable.Range(0, 4).Select(i => SendLoop(server.SmtpPort, i, load.Token)).ToList();
                await Task.Delay(random.Next(300, 1500));
                var arrivedBeforeKill = sink.Received.Count;
                await server.KillAsync();
                var port = server.SmtpPort;
                await load.CancelAsync();
                await Task.WhenAll(senders);

                // The fault happened: the process is gone and its port refuses.
                await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(async () =>
                {
                    using var probe = new System.Net.Sockets.TcpClient();
                    await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                });
                output.WriteLine($"kill {iteration + 1}: {_acknowledged.Count} acknowledged, {arrivedBeforeKill} arrived at the next hop before the kill");
            }

            // A last start drains the queue; every acknowledged message arrives.
            await using var final = await ServerProcess.StartAsync(dataDirectory, relay);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (_acknowledged.Keys.Any(token => !sink.Received.ContainsKey(token)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var missing = _acknowledged.Keys.Where(token => !sink.Received.ContainsKey(token)).ToList();
            var duplicates = sink.Received.Count(pair => pair.Value > 1);
            output.WriteLine($"{_acknowledged.Count} acknowledged, {sink.Received.Count} distinct arrived, {duplicates} arrived twice or more, {missing.Count} missing");
            Assert.False(_acknowledged.IsEmpty, "the load never got a message acknowledged");
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged messages never reached the next hop, e.g. {missing.FirstOrDefault()}\n{final.Log}");
        }
        finally
        {
            TempDirectory.DeleteQuietly(dataDirectory);
        }
    }

    private async Task SendLoop(int port, int worker, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var token = $"q{worker}-{Guid.NewGuid():N}";
            try
            {
                await using var smtp = await LineClient.ConnectAsync(port);
                await smtp.ExpectAsync("220");
                await smtp.SendRawAsync($"EHLO w{worker}\r\nMAIL FROM:<t@example.org>\r\nRCPT TO:<r{worker}@remote.test>\r\nDATA\r\n");
                await smtp.ExpectSmtpAsync("250");
                await smtp.ExpectAsync("250");
                await smtp.ExpectAsync("250");
                await smtp.ExpectAsync("354");
                await smtp.SendRawAsync($"X-Token: {token}\r\nSubject: queue torture\r\n\r\n{new string('q', 200)}\r\n.\r\n");
                var reply = await smtp.ReadLineAsync();
                if (reply?.StartsWith("250", StringComparison.Ordinal) == true)
                {
                    _acknowledged[token] = true;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or Xunit.Sdk.XunitException or EndOfStreamException)
            {
                // Killed mid-dialogue: never acknowledged.
            }
        }
    }
}
