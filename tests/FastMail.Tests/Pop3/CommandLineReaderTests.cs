using FastMail.Tests.TestKit;
using System.Buffers;
using System.Text;
using FastMail.Core.Protocol;
using FastMail.Pop3.Parsing;

namespace FastMail.Tests.Pop3;

public sealed class CommandLineReaderTests
{
    private const int Limit = 16;

    [Fact]
    public void TryReadGivesTheSameLinesAtEverySplitPoint()
    {
        var input = Encoding.ASCII.GetBytes("USER motriles\r\nPASS jose\nSTAT\r\n\r\nLIST 1\r\n");
        string[] expected = ["USER motriles", "PASS jose", "STAT", "", "LIST 1"];

        for (var cut = 0; cut <= input.Length; cut++)
        {
            Assert.Equal(expected, Feed(input, [cut]));
        }

        for (var first = 0; first <= input.Length; first++)
        {
            for (var second = first; second <= input.Length; second++)
            {
                Assert.Equal(expected, Feed(input, [first, second]));
            }
        }

        Assert.Equal(expected, Feed(input, Enumerable.Range(1, input.Length - 1).ToArray()));
    }

    [Fact]
    public void TryReadReportsATooLongLineOnceAfterItsEndAtEverySplitPoint()
    {
        // The limit counts CRLF (RFC 2449 4): 14 characters + CRLF fit in 16, 16 characters + CRLF do not.
        var input = Encoding.ASCII.GetBytes("NOOP 123456789\r\nUSER 12345678901234567890123456789\r\nQUIT\r\n");
        string[] expected = ["NOOP 123456789", "<too long>", "QUIT"];

        for (var cut = 0; cut <= input.Length; cut++)
        {
            Assert.Equal(expected, Feed(input, [cut]));
        }

        Assert.Equal(expected, Feed(input, Enumerable.Range(1, input.Length - 1).ToArray()));
    }

    [Theory]
    [InlineData("123456789012345\n", "123456789012345")]
    [InlineData("12345678901234\r\n", "12345678901234")]
    [InlineData("123456789012345\r\n", "<too long>")]
    [InlineData("1234567890123456\n", "<too long>")]
    public void TryReadAcceptsLinesOfExactlyTheLimitIncludingTheirTerminator(string input, string expected)
    {
        Assert.Equal([expected], Feed(Encoding.ASCII.GetBytes(input), []));
    }

    [Fact]
    public void TryReadConsumesAnUnterminatedOverlongLineInsteadOfBufferingIt()
    {
        var reader = new CommandLineReader(Limit);
        var buffer = new ReadOnlySequence<byte>(new byte[10_000]);
        var line = new byte[Limit];

        Assert.Equal(LineStatus.NeedMoreData, reader.TryRead(ref buffer, line, out _));
        Assert.True(buffer.IsEmpty);

        var more = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("still going\r\nNOOP\r\n"));
        Assert.Equal(LineStatus.TooLong, reader.TryRead(ref more, line, out _));
        Assert.Equal(LineStatus.Complete, reader.TryRead(ref more, line, out var length));
        Assert.Equal("NOOP", Encoding.ASCII.GetString(line, 0, length));
    }

    [Fact]
    public void TryReadWaitsForMoreDataWhileAShortLineHasNoEnd()
    {
        var reader = new CommandLineReader(Limit);
        var buffer = new ReadOnlySequence<byte>("STAT\r"u8.ToArray());

        Assert.Equal(LineStatus.NeedMoreData, reader.TryRead(ref buffer, new byte[Limit], out _));
        Assert.Equal(5, buffer.Length);
    }

    /// <summary>Feeds <paramref name="input"/> cut at <paramref name="cuts"/> the way a PipeReader would: unconsumed bytes stay, new ones arrive as a new segment.</summary>
    private static List<string> Feed(byte[] input, int[] cuts)
    {
        var reader = new CommandLineReader(Limit);
        var line = new byte[Limit];
        var lines = new List<string>();
        var pending = Array.Empty<byte>();
        foreach (var part in Segments.Split(input, cuts))
        {
            var buffer = Segments.Create(pending.Length == 0 ? new[] { part } : new[] { pending, part });
            while (true)
            {
                var status = reader.TryRead(ref buffer, line, out var length);
                if (status == LineStatus.NeedMoreData)
                {
                    break;
                }

                lines.Add(status == LineStatus.TooLong ? "<too long>" : Encoding.ASCII.GetString(line, 0, length));
            }

            pending = buffer.ToArray();
        }

        Assert.Empty(pending);
        return lines;
    }
}
