using System.Text;
using FastMail.IntegrationTests.Harness;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Text;

namespace FastMail.IntegrationTests;

/// <summary>MailKit's SmtpClient sends and Pop3Client retrieves; the stored message is the sent one, byte for byte, after the trace headers.</summary>
public sealed class MailKitRoundTripTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(TestServer.Motriles);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task MessageWithEightBitTextDotLinesAndLongLinesRoundTripsByteForByte()
    {
        var body = new StringBuilder()
            .Append("Grüße aus Köln — ünïcödé 8-bit text\r\n")
            .Append(".a line that starts with a dot\r\n")
            .Append("..two dots\r\n")
            .Append(".\r\n")
            .Append(new string('x', 998)).Append("\r\n")
            .Append("last line\r\n")
            .ToString();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.org"));
        message.To.Add(new MailboxAddress("Motriles", "motriles@" + TestServer.Domain));
        message.Subject = "round trip";
        message.Body = new TextPart(TextFormat.Plain) { Text = body, ContentTransferEncoding = ContentEncoding.EightBit };
        var sent = ToBytes(message);

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", _server.SmtpPort, SecureSocketOptions.None);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(quit: true);
        }

        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync("motriles", "jose");
        Assert.Equal(1, await pop.GetMessageCountAsync());
        var sizes = await pop.GetMessageSizesAsync();
        byte[] stored;
        using (var stream = await pop.GetStreamAsync(0))
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            stored = copy.ToArray();
        }

        Assert.Equal(sizes[0], stored.Length);
        Assert.True(stored.AsSpan().EndsWith(sent), "the stored message must end with the exact bytes MailKit sent");
        var prefix = Encoding.Latin1.GetString(stored, 0, stored.Length - sent.Length);
        Assert.StartsWith("Return-Path: <sender@example.org>\r\nReceived: from ", prefix, StringComparison.Ordinal);

        var parsed = MimeMessage.Load(new MemoryStream(stored));
        Assert.NotNull(parsed.TextBody);
        Assert.Equal(body, parsed.TextBody.ReplaceLineEndings("\r\n"));
        Assert.Single(await pop.GetMessageUidsAsync());
        await pop.DeleteMessageAsync(0);
        await pop.DisconnectAsync(quit: true);

        using var again = new Pop3Client();
        await again.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
        await again.AuthenticateAsync("motriles", "jose");
        Assert.Equal(0, await again.GetMessageCountAsync());
        await again.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task UidlIsStableAcrossSessions()
    {
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", _server.SmtpPort, SecureSocketOptions.None);
            for (var i = 0; i < 3; i++)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse("a@example.org"));
                message.To.Add(MailboxAddress.Parse("motriles@" + TestServer.Domain));
                message.Subject = "uid " + i;
                message.Body = new TextPart(TextFormat.Plain) { Text = "body " + i };
                await smtp.SendAsync(message);
            }

            await smtp.DisconnectAsync(quit: true);
        }

        async Task<IList<string>> Uids()
        {
            using var pop = new Pop3Client();
            await pop.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
            await pop.AuthenticateAsync("motriles", "jose");
            var uids = await pop.GetMessageUidsAsync();
            await pop.DisconnectAsync(quit: true);
            return uids;
        }

        var first = await Uids();
        Assert.Equal(3, first.Count);
        Assert.Equal(3, first.Distinct().Count());
        Assert.Equal(first, await Uids());
    }

    private static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }
}
