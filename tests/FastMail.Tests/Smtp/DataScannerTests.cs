using FastMail.Tests.TestKit;
using System.Buffers;
using System.Text;
using FastMail.Smtp.Data;

namespace FastMail.Tests.Smtp;

public sealed class DataScannerTests
{
    [Theory]
    [InlineData(".\r\n", "")]
    [InlineData("hello\r\n.\r\n", "hello\r\n")]
    [InlineData("subject: hi\r\n\r\nhello\r\n.\r\n", "subject: hi\r\n\r\nhello\r\n")]
    [InlineData("..leading dot\r\n.\r\n", ".leading dot\r\n")]
    [InlineData("a\r\n...\r\n.\r\n", "a\r\n..\r\n")]
    [InlineData("a\r\n..\r\n.\r\n", "a\r\n.\r\n")]
    [InlineData(".x\r\n.\r\n", "x\r\n")]
    [InlineData("not.a.dot\r\n.\r\n", "not.a.dot\r\n")]
    [InlineData("\r\n.\r\n", "\r\n")]
    [InlineData("a\r\n.\r\nMAIL FROM:<x@y>\r\n", "a\r\n")]
    public void ScanRestoresTheMessageAtEverySplitPoint(string input, string expected)
    {
        var bytes = Segments.Latin1(input);
        var terminatorEnd = input.IndexOf("\r\n.\r\n", StringComparison.Ordinal) is var i and >= 0 && !input.StartsWith(".\r\n", StringComparison.Ordinal) ? i + 5 : 3;
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var (text, consumed, done, bare) = ScanAll(sequence, outputSize: 64);
            Assert.True(done);
            Assert.False(bare);
            Assert.Equal(expected, text);
            Assert.Equal(terminatorEnd, consumed);
        }
    }

    [Theory]
    [InlineData("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n")]
    [InlineData("a\n.\r\nb\r\n.\r\n", "a\n.\r\nb\r\n")]
    [InlineData("a\r.\rb\r\n.\r\n", "a\r.\rb\r\n")]
    [InlineData("a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n")]
    [InlineData("a\r\n.\rb\r\n.\r\n", "a\r\n\rb\r\n")]
    [InlineData("bare cr\rhere\r\n.\r\n", "bare cr\rhere\r\n")]
    [InlineData("bare lf\nhere\r\n.\r\n", "bare lf\nhere\r\n")]
    [InlineData("\nstart\r\n.\r\n", "\nstart\r\n")]
    [InlineData("a\r\r\n.\r\n", "a\r\r\n")]
    public void BareCrOrLfNeverEndsTheMessageAndIsReported(string input, string expected)
    {
        foreach (var sequence in Segments.AllSplits(Segments.Latin1(input)))
        {
            var (text, consumed, done, bare) = ScanAll(sequence, outputSize: 64);
            Assert.True(done);
            Assert.True(bare);
            Assert.Equal(expected, text);
            Assert.Equal(input.Length, consumed);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("abc\r\n")]
    [InlineData("abc\r\n.")]
    [InlineData("abc\r\n.\r")]
    [InlineData("abc\n.\n")]
    public void ScanIsNotDoneBeforeTheTerminator(string input)
    {
        foreach (var sequence in Segments.AllSplits(Segments.Latin1(input)))
        {
            var (_, consumed, done, _) = ScanAll(sequence, outputSize: 64);
            Assert.False(done);
            Assert.Equal(input.Length, consumed);
        }
    }

    [Fact]
    public void ScanCopiesLongLinesThroughASmallOutputBufferUnchanged()
    {
        var line = new string('x', 5000);
        var (text, _, done, bare) = ScanAll(Segments.Create(Segments.Latin1(line + "\r\n.\r\n")), outputSize: 7);
        Assert.True(done);
        Assert.False(bare);
        Assert.Equal(line + "\r\n", text);
    }

    [Fact]
    public void ResetStartsANewMessage()
    {
        var scanner = default(DataScanner);
        var output = new byte[16];
        scanner.Scan("a\rb\r\n.\r\n"u8, output, out _, out _);
        Assert.True(scanner.IsDone);
        Assert.True(scanner.SawBareLineBreak);

        scanner.Reset();
        Assert.False(scanner.IsDone);
        Assert.False(scanner.SawBareLineBreak);
        Assert.True(scanner.Scan(".\r\n"u8, output, out var consumed, out var written));
        Assert.Equal(3, consumed);
        Assert.Equal(0, written);
    }

    private static (string Text, long Consumed, bool Done, bool Bare) ScanAll(ReadOnlySequence<byte> input, int outputSize)
    {
        var scanner = default(DataScanner);
        scanner.Reset();
        var output = new byte[outputSize];
        var text = new StringBuilder();
        long consumed = 0;
        var done = false;
        foreach (var segment in input)
        {
            var span = segment.Span;
            while (!span.IsEmpty && !done)
            {
                done = scanner.Scan(span, output, out var used, out var written);
                span = span[used..];
                consumed += used;
                text.Append(Encoding.Latin1.GetString(output, 0, written));
            }
        }

        return (text.ToString(), consumed, done, scanner.SawBareLineBreak);
    }
}
