using FastMail.Core.Diagnostics;
using FastMail.Tests.Smtp;

namespace FastMail.Tests.Pop3;

/// <summary>Live POP3 transcripts: PASS redacted, message content never shown.</summary>
[Collection(TranscriptCollection.Name)]
public sealed class TranscriptPop3Tests
{
    [Fact]
    public async Task AWatchedSessionRedactsPassAndHidesMessageContent()
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Pop3);
        var host = new Pop3TestHost().WithTutorialMailbox();
        await using (var script = await host.StartLoggedIn())
        {
            await script.Send("RETR 1");
            await script.Expect("+OK");
            await script.ReadPop3Body();
            await script.Send("QUIT");
            await script.Expect("+OK");
        }

        var lines = await TranscriptKit.Take(watch, line => line.Text.Contains("signing off", StringComparison.Ordinal));
        var text = lines.Select(line => $"{(char)line.Direction} {line.Text}").ToList();
        Assert.Equal("S " + Pop3TestHost.Greeting, text[0]);
        Assert.Equal(["C USER motriles", "S +OK Password required", "C PASS ***"], text[1..4]);
        var retr = text.IndexOf("C RETR 1");
        Assert.StartsWith("S +OK ", text[retr + 1], StringComparison.Ordinal);
        Assert.Equal("S [message content not shown]", text[retr + 2]);
        Assert.Equal("C QUIT", text[retr + 3]);
        Assert.DoesNotContain(text, line => line.Contains("jose", StringComparison.Ordinal) || line.Contains("Hola", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SaslResponsesAreRedactedAsAWhole()
    {
        using var watch = Transcripts.Watch(TranscriptProtocol.Pop3);
        var host = new Pop3TestHost().WithSasl();
        await using (var script = host.Start())
        {
            await script.Expect("+OK");
            await script.Send("AUTH LOGIN");
            await script.Expect("+ ");
            await script.Send(SmtpAuthKit.B64("motriles"));
            await script.Expect("+ ");
            await script.Send(SmtpAuthKit.B64("jose"));
            await script.Expect("+OK");
        }

        var lines = await TranscriptKit.Take(watch, line => line.Text.StartsWith("+OK", StringComparison.Ordinal), count: 2);
        var clients = lines.Where(line => line.Direction == TranscriptDirection.Client).Select(line => line.Text).ToList();
        Assert.Equal(["AUTH LOGIN", "***", "***"], clients);
    }
}
