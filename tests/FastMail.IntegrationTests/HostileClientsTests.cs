using System.Net;
using System.Net.Sockets;
using System.Text;
using FastMail.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace FastMail.IntegrationTests;

/// <summary>
/// Hostile and broken clients against the published AOT binary (abuse resistance): early talkers, a slowloris of
/// 500 connections, floods and oversized inputs. Other clients keep working and the server's memory stays bounded.
/// </summary>
public sealed class HostileClientsTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>A generous ceiling for the server's resident memory under attack: the point is "bounded", not a tight figure.</summary>
    private const long RssCeilingKiB = 400 * 1024;

    private string _dataDirectory = null!;

    public async Task InitializeAsync()
    {
        _dataDirectory = TempDirectory.Create("it");
        var (exitCode, text) = await ExternalProcess.RunAsync(await AotBinary.GetAsync(),
            ["user", "add", "motriles", "--password", "jose", "--data-dir", _dataDirectory, "--set", "accounts.pbkdf2Iterations=4096"]);
        Assert.True(exitCode == 0, text);
    }

    public Task DisposeAsync()
    {
        TempDirectory.DeleteQuietly(_dataDirectory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EarlyTalkerIsRejectedWith554AndDisconnected()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, "--set", "smtp.greetingDelay=1s");
        await using var talker = await LineClient.ConnectAsync(server.SmtpPort);
        await talker.SendLineAsync("EHLO impatient.example");
        await talker.ExpectAsync("554");
        Assert.True(await talker.IsClosedAsync());

        await using var polite = await LineClient.ConnectAsync(server.SmtpPort);
        await polite.ExpectAsync("220");
    }

    [Fact]
    public async Task SlowlorisOf500ConnectionsDoesNotStopOtherClients()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, "--set", "limits.maxConnections=2000", "--set", "smtp.commandTimeout=30s");
        var slow = new List<Socket>();
        try
        {
            // 25 source addresses in 127.0.1.0/24, 20 connections each: the per-address limit is not what saves us here.
            for (var i = 0; i < 500; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse($"127.0.1.{1 + (i / 20)}"), 0));
                await socket.ConnectAsync(IPAddress.Loopback, server.SmtpPort);
                slow.Add(socket);
            }

            using var dribbling = new CancellationTokenSource();
            var dribble = Task.Run(async () =>
            {
                while (!dribbling.IsCancellationRequested)
                {
                    foreach (var socket in slow)
                    {
                        try
                        {
                            await socket.SendAsync("E"u8.ToArray(), SocketFlags.None);
                        }
                        catch (SocketException)
                        {
                        }
                    }

                    await Task.Delay(1000);
                }
            });

            for (var round = 0; round < 3; round++)
            {
                await SendAndRetrieve(server, $"under slowloris {round}");
            }

            var rss = ResidentKiB(server.ProcessId);
            output.WriteLine($"server RSS with 500 slowloris connections: {rss / 1024.0:F1} MiB");
            Assert.True(rss < RssCeilingKiB, $"RSS {rss} KiB");
            await dribbling.CancelAsync();
            await dribble;
        }
        finally
        {
            foreach (var socket in slow)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task FloodsAndOversizedInputsKeepMemoryBounded()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, "--set", "smtp.maxMessageSize=1m");
        var attacks = new List<Task>
        {
            // An endless line: 20 MB without CRLF.
            Attack(server.SmtpPort, async stream =>
            {
                var junk = Encoding.ASCII.GetBytes(new string('A', 1024 * 1024));
                for (var i = 0; i < 20; i++)
                {
                    await stream.WriteAsync(junk);
                }
            }),
            // Endless DATA: 20 MB into a 1 MB limit.
            Attack(server.SmtpPort, async stream =>
            {
                await stream.WriteAsync("EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles>\r\nDATA\r\n"u8.ToArray());
                var line = Encoding.ASCII.GetBytes(new string('B', 998) + "\r\n");
                for (var i = 0; i < 20_000; i++)
                {
                    await stream.WriteAsync(line);
                }
            }),
            // Thousands of RCPTs in one pipelined write.
            Attack(server.SmtpPort, async stream =>
            {
                var batch = new StringBuilder("EHLO x\r\nMAIL FROM:<a@example.org>\r\n");
                for (var i = 0; i < 5000; i++)
                {
                    batch.Append("RCPT TO:<motriles>\r\n");
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(batch.ToString()));
            }),
            // A huge AUTH blob.
            Attack(server.SmtpPort, async stream =>
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("EHLO x\r\nAUTH PLAIN " + new string('Q', 4 * 1024 * 1024) + "\r\n"));
            }),
            // A pipelined flood of NOOPs.
            Attack(server.SmtpPort, async stream =>
            {
                var noops = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("NOOP\r\n", 100_000)));
                await stream.WriteAsync(noops);
            }),
            // POP3: an endless line and a flood.
            Attack(server.Pop3Port, async stream =>
            {
                var junk = Encoding.ASCII.GetBytes(new string('C', 1024 * 1024));
                for (var i = 0; i < 10; i++)
                {
                    await stream.WriteAsync(junk);
                }
            }),
        };
        await Task.WhenAll(attacks);

        var rss = ResidentKiB(server.ProcessId);
        output.WriteLine($"server RSS after the floods: {rss / 1024.0:F1} MiB");
        Assert.True(rss < RssCeilingKiB, $"RSS {rss} KiB");
        await SendAndRetrieve(server, "after the floods");
    }

    /// <summary>Runs one hostile client; the server may answer or hang up at any point — both are fine, crashing is not.</summary>
    private static async Task Attack(int port, Func<NetworkStream, Task> attack)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var drain = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (await stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        });
        try
        {
            await attack(stream).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (IOException)
        {
        }

        client.Client.Shutdown(SocketShutdown.Send);
        await drain.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task SendAndRetrieve(ServerProcess server, string subject)
    {
        await using (var smtp = await LineClient.ConnectAsync(server.SmtpPort))
        {
            await smtp.ExpectAsync("220");
            await smtp.SendRawAsync("HELO ok.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles>\r\nDATA\r\n");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("354");
            await smtp.SendRawAsync($"Subject: {subject}\r\n\r\nstill here\r\n.\r\nQUIT\r\n");
            await smtp.ExpectAsync("250");
            await smtp.ExpectAsync("221");
        }

        await using var pop = await LineClient.ConnectAsync(server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendRawAsync("USER motriles\r\nPASS jose\r\nSTAT\r\nRETR 1\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK 1 ");
        await pop.ExpectAsync("+OK");
        Assert.Contains("Subject: " + subject, await pop.ReadPop3BodyAsync());
        await pop.SendRawAsync("DELE 1\r\nQUIT\r\n");
        await pop.ExpectAsync("+OK");
        await pop.ExpectAsync("+OK");
    }

    private static long ResidentKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("no VmRSS for " + pid);
    }
}
