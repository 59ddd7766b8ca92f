using FastMail.Tests.TestKit;
using System.Text;
using FastMail.Pop3.Output;

namespace FastMail.Tests.Pop3;

public sealed class TopFilterTests
{
    private const string Message = "From: a@b\r\nSubject: s\r\n\r\nline 1\r\nline 2\r\nline 3\r\n";

    [Theory]
    [InlineData(Message, 0, "From: a@b\r\nSubject: s\r\n\r\n")]
    [InlineData(Message, 1, "From: a@b\r\nSubject: s\r\n\r\nline 1\r\n")]
    [InlineData(Message, 2, "From: a@b\r\nSubject: s\r\n\r\nline 1\r\nline 2\r\n")]
    [InlineData(Message, 3, Message)]
    [InlineData(Message, 100, Message)]
    [InlineData("Only: headers\r\nNo: body\r\n", 0, "Only: headers\r\nNo: body\r\n")]
    [InlineData("H: v\r\n\r\nno final newline", 0, "H: v\r\n\r\n")]
    [InlineData("H: v\r\n\r\nno final newline", 5, "H: v\r\n\r\nno final newline")]
    [InlineData("H: v\n\nbody\nmore\n", 1, "H: v\n\nbody\n")]
    [InlineData("\r\nbody\r\n", 0, "\r\n")]
    [InlineData("H: \r\r\n\r\nbody\r\n", 0, "H: \r\r\n\r\n")]
    public void TakePassesHeadersBlankLineAndTheFirstBodyLinesAtEverySplitPoint(string message, int bodyLines, string expected)
    {
        var input = Encoding.ASCII.GetBytes(message);
        for (var cut = 0; cut <= input.Length; cut++)
        {
            Assert.Equal(expected, Filter(Segments.Split(input, cut), bodyLines));
        }

        Assert.Equal(expected, Filter(Segments.Split(input, Enumerable.Range(1, input.Length - 1).ToArray()), bodyLines));
    }

    private static string Filter(List<byte[]> chunks, int bodyLines)
    {
        var filter = new TopFilter(bodyLines);
        var output = new StringBuilder();
        foreach (var chunk in chunks)
        {
            if (filter.IsDone)
            {
                break;
            }

            output.Append(Encoding.ASCII.GetString(chunk, 0, filter.Take(chunk)));
        }

        return output.ToString();
    }
}
