using System.Text;
using FastMail.Load.Messages;

namespace FastMail.Load.Tests;

public sealed class MessageIntegrityTests
{
    /// <summary>What a server stores and a POP3 client returns: the DATA payload without its terminator, dot-stuffing undone.</summary>
    private static string AsRetrieved(ReadOnlyMemory<byte> payload)
    {
        var text = Encoding.ASCII.GetString(payload.Span);
        Assert.EndsWith("\r\n.\r\n", text, StringComparison.Ordinal);
        text = text[..^3];
        var lines = text.Split("\r\n")[..^1].Select(l => l.StartsWith('.') ? l[1..] : l);
        return "Return-Path: <x@y>\r\nReceived: from a by b\r\n" + string.Concat(lines.Select(l => l + "\r\n"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    [InlineData(10 * 1024)]
    [InlineData(100 * 1024)]
    public void AGeneratedMessageVerifiesAsIntactAfterARoundTrip(int size)
    {
        var generator = new MessageGenerator(size, "from@bench.test", seed: 7);
        var payload = generator.Build("run-1-42", "u1@bench.test");
        Assert.InRange(payload.Length, size - 100, size + 500);
        Assert.Equal(VerifyResult.Intact, MessageVerifier.Verify(Encoding.ASCII.GetBytes(AsRetrieved(payload))));
    }

    [Fact]
    public void TheBodyExercisesDotStuffing()
    {
        var payload = Encoding.ASCII.GetString(new MessageGenerator(4096, "f@d", 1).Build("id", "t@d").Span);
        Assert.Contains("\r\n..", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyChangedBodyByteIsReportedAsCorrupt()
    {
        var retrieved = AsRetrieved(new MessageGenerator(2048, "f@d", 3).Build("id-1", "t@d"));
        var bodyStart = retrieved.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var checksumAt = retrieved.LastIndexOf("X-Load-Checksum", StringComparison.Ordinal);
        for (var at = bodyStart; at < checksumAt; at += 37)
        {
            var bytes = Encoding.ASCII.GetBytes(retrieved);
            bytes[at] ^= 0x01;
            Assert.Equal(VerifyResult.Corrupt, MessageVerifier.Verify(bytes));
        }
    }

    [Fact]
    public void ALostDotFromStuffingIsReportedAsCorrupt()
    {
        // A server that forgets to undo dot-stuffing keeps the extra '.'.
        var payload = Encoding.ASCII.GetString(new MessageGenerator(4096, "f@d", 1).Build("id", "t@d").Span);
        var stored = "Received: x\r\n" + payload[..^3];
        Assert.Equal(VerifyResult.Corrupt, MessageVerifier.Verify(Encoding.ASCII.GetBytes(stored)));
    }

    [Fact]
    public void AMessageWhoseTailBelongsToAnotherMessageIsCorrupt()
    {
        var generator = new MessageGenerator(2048, "f@d", 5);
        var first = AsRetrieved(generator.Build("id-1", "t@d"));
        var second = AsRetrieved(generator.Build("id-2", "t@d"));
        var mixed = first[..first.IndexOf("X-Load-Checksum", StringComparison.Ordinal)] + second[second.IndexOf("X-Load-Checksum", StringComparison.Ordinal)..];
        Assert.Equal(VerifyResult.Corrupt, MessageVerifier.Verify(Encoding.ASCII.GetBytes(mixed)));
    }

    [Fact]
    public void ATruncatedMessageIsCorrupt()
    {
        var retrieved = AsRetrieved(new MessageGenerator(4096, "f@d", 9).Build("id-9", "t@d"));
        Assert.Equal(VerifyResult.Corrupt, MessageVerifier.Verify(Encoding.ASCII.GetBytes(retrieved[..(retrieved.Length / 2)])));
    }

    [Fact]
    public void MailNotGeneratedByTheRunnerIsForeignNotCorrupt() =>
        Assert.Equal(VerifyResult.Foreign, MessageVerifier.Verify("From: a@b\r\nSubject: hi\r\n\r\nhello\r\n"u8));
}
