using FastMail.Tests.TestKit;
using System.Buffers;
using System.Text;
using FastMail.Pop3.Output;

namespace FastMail.Tests.Pop3;

public sealed class ByteStufferTests
{
    [Theory]
    [InlineData("", ".\r\n")]
    [InlineData("Hello\r\n", "Hello\r\n.\r\n")]
    [InlineData("Hello", "Hello\r\n.\r\n")]
    [InlineData("Hello\r", "Hello\r\r\n.\r\n")]
    [InlineData(".\r\n", "..\r\n.\r\n")]
    [InlineData("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n")]
    [InlineData(".hidden\r\n..two\r\nmid.dle\r\n", "..hidden\r\n...two\r\nmid.dle\r\n.\r\n")]
    [InlineData("a\r\n.", "a\r\n..\r\n.\r\n")]
    [InlineData("lf only\n.dot\n", "lf only\n..dot\n\r\n.\r\n")]
    [InlineData("\r\n\r\n.\r\n\r\n", "\r\n\r\n..\r\n\r\n.\r\n")]
    public void WriteStuffsLeadingDotsAndCompleteEndsOnItsOwnLineAtEverySplitPoint(string content, string expected)
    {
        var input = Encoding.ASCII.GetBytes(content);

        for (var cut = 0; cut <= input.Length; cut++)
        {
            Assert.Equal(expected, Stuff(Segments.Split(input, cut)));
        }

        for (var first = 0; first <= input.Length; first++)
        {
            for (var second = first; second <= input.Length; second++)
            {
                Assert.Equal(expected, Stuff(Segments.Split(input, first, second)));
            }
        }

        Assert.Equal(expected, Stuff(Segments.Split(input, Enumerable.Range(1, Math.Max(0, input.Length - 1)).ToArray())));
    }

    [Fact]
    public void WriteStuffsADotThatStartsAChunkRightAfterACrLfThatEndedThePreviousOne()
    {
        var output = new ArrayBufferWriter<byte>();
        var stuffer = default(ByteStuffer);

        stuffer.Write("line one\r\n"u8, output);
        stuffer.Write(".line two\r\n"u8, output);
        stuffer.Complete(output);

        Assert.Equal("line one\r\n..line two\r\n.\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    private static string Stuff(List<byte[]> chunks)
    {
        var output = new ArrayBufferWriter<byte>();
        var stuffer = default(ByteStuffer);
        foreach (var chunk in chunks)
        {
            stuffer.Write(chunk, output);
        }

        stuffer.Complete(output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
