using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// A full disk over real sockets: the server's data directory on a small tmpfs, filled by SMTP until new mail
/// gets 452 4.3.1; every acknowledged message is then still readable byte-for-byte over POP3, and once space returns
/// (a filler file is deleted) mail is accepted again by the same running server.
/// </summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task NewMailGets452WhenTheDiskIsFullStoredMailStaysIntactAndTheServerRecoversByItself()
    {
        // Large enough that the filler, written after the store has reserved its first 16 MB ahead of the log, gives
        // back more than one 4 MB log page when it goes.
        using var disk = new TmpfsMount(64L << 20);
        var filler = Path.Combine(disk.Directory, "filler");
        var server = TestServer.Start(disk.Directory, TestServer.Motriles, ("storage.minFreeSpace", "2m"), ("smtp.maxMessageSize", "1m"));
        try
        {
            // Leave about 6 MB: the log, its commit files and the accounts file fill the rest.
            await File.WriteAllBytesAsync(filler, new byte[TmpfsMount.FreeBytes(disk.Directory) - (6L << 20)]);
            var acknowledged = new List<string>();
            string? refusal = null;
            for (var i = 0; i < 400 && refusal is null; i++)
            {
                var body = Body(i);
                var reply = await SendAsync(server, body);
                if (reply.StartsWith("250 ", StringComparison.Ordinal))
                {
                    acknowledged.Add(body);
                }
                else
                {
                    refusal = reply;
                }
            }

            Assert.Equal("452 4.3.1 Insufficient system storage", refusal);
            Assert.NotEmpty(acknowledged);
            await AssertMailboxAsync(server, acknowledged);

            File.Delete(filler);
            var after = Body(1000);
            Assert.StartsWith("250 2.0.0", await SendAsync(server, after), StringComparison.Ordinal);
            acknowledged.Add(after);
            await AssertMailboxAsync(server, acknowledged);
        }
        finally
        {
            await server.StopAsync();
        }
    }

    private static string Body(int seed)
    {
        var random = new Random(seed);
        var lines = new System.Text.StringBuilder();
        for (var line = 0; line < 1000; line++)
        {
            for (var c = 0; c < 60; c++)
            {
                lines.Append((char)random.Next('a', 'z' + 1));
            }

            lines.Append("\r\n");
        }

        return lines.ToString();
    }

    private static async Task<string> SendAsync(TestServer server, string body)
    {
        await using var smtp = await LineClient.ConnectAsync(server.SmtpPort);
        await smtp.ExpectAsync("220 ");
        await smtp.SendRawAsync("HELO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<motriles@fastmail.test>\r\nDATA\r\n");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("250");
        await smtp.ExpectAsync("250");
        var start = (await smtp.ReadLineAsync())!;
        if (!start.StartsWith("354", StringComparison.Ordinal))
        {
            return start;
        }

        await smtp.SendRawAsync("Subject: fill\r\n\r\n" + body + ".\r\n");
        return (await smtp.ReadLineAsync())!;
    }

    private static async Task AssertMailboxAsync(TestServer server, List<string> expected)
    {
        await using var pop = await LineClient.ConnectAsync(server.Pop3Port);
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("USER motriles");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("PASS jose");
        await pop.ExpectAsync("+OK");
        await pop.SendLineAsync("STAT");
        await pop.ExpectAsync($"+OK {expected.Count} ");
        for (var i = 0; i < expected.Count; i++)
        {
            await pop.SendLineAsync($"RETR {i + 1}");
            await pop.ExpectAsync("+OK");
            var lines = await pop.ReadPop3BodyAsync();
            var text = string.Join("\r\n", lines) + "\r\n";
            Assert.EndsWith("\r\nSubject: fill\r\n\r\n" + expected[i], text, StringComparison.Ordinal);
        }

        await pop.SendLineAsync("QUIT");
        await pop.ExpectAsync("+OK");
    }
}
