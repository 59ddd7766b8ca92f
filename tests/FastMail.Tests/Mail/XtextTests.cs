using System.Text;
using FastMail.Core.Mail;

namespace FastMail.Tests.Mail;

public sealed class XtextTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("QQ314159", true)]
    [InlineData("bob@example.com", true)]
    [InlineData("a+2Bb+3Dc", true)]
    [InlineData("!~", true)]
    [InlineData("+20", true)]
    [InlineData("a b", false)]
    [InlineData("a=b", false)]
    [InlineData("a+", false)]
    [InlineData("a+2", false)]
    [InlineData("a+2b", false)]
    [InlineData("a+G0", false)]
    [InlineData("+ 2", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("tab\there", false)]
    [InlineData("del\u007f", false)]
    public void XtextSyntaxIsCheckedAsRfc3461Section4Defines(string value, bool valid)
    {
        Assert.Equal(valid, Xtext.IsValid(Encoding.Latin1.GetBytes(value)));
    }

    [Theory]
    [InlineData("bob@example.com", "bob@example.com")]
    [InlineData("a+2Bb+3Dc", "a+b=c")]
    [InlineData("+20+7F+00", " \u007f\0")]
    [InlineData("", "")]
    public void DecodingTurnsHexcharsBackIntoOctets(string xtext, string expected)
    {
        var destination = new byte[xtext.Length];
        Assert.True(Xtext.TryDecode(Encoding.ASCII.GetBytes(xtext), destination, out var written));
        Assert.Equal(expected, Encoding.Latin1.GetString(destination, 0, written));
    }

    [Fact]
    public void DecodingRefusesInvalidXtextAndATooSmallDestination()
    {
        Assert.False(Xtext.TryDecode("a+2"u8, new byte[10], out _));
        Assert.False(Xtext.TryDecode("abcd"u8, new byte[3], out var written));
        Assert.Equal(0, written);
    }
}
