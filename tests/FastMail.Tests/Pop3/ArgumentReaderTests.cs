using System.Text;
using FastMail.Pop3.Parsing;

namespace FastMail.Tests.Pop3;

public sealed class ArgumentReaderTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("42", 42)]
    [InlineData("007", 7)]
    [InlineData("0", 0)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("99999999999999999999999", int.MaxValue)]
    public void TryParseNumberAcceptsDecimalDigitsAndSaturatesHugeValues(string token, int expected)
    {
        Assert.True(ArgumentReader.TryParseNumber(Encoding.ASCII.GetBytes(token), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1a")]
    [InlineData("one")]
    [InlineData("1.5")]
    [InlineData("\u0661")]
    public void TryParseNumberRejectsAnythingButDigits(string token)
    {
        Assert.False(ArgumentReader.TryParseNumber(Encoding.UTF8.GetBytes(token), out _));
    }

    [Fact]
    public void TryReadTokenSkipsRepeatedSpacesAndTabs()
    {
        ReadOnlySpan<byte> rest = "  1 \t 10  "u8;

        Assert.True(ArgumentReader.TryReadToken(ref rest, out var first));
        Assert.True(first.SequenceEqual("1"u8));
        Assert.True(ArgumentReader.TryReadToken(ref rest, out var second));
        Assert.True(second.SequenceEqual("10"u8));
        Assert.True(ArgumentReader.IsEnd(rest));
        Assert.False(ArgumentReader.TryReadToken(ref rest, out _));
    }
}
