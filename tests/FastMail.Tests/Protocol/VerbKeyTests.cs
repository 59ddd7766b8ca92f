using System.Text;
using FastMail.Core.Protocol;

namespace FastMail.Tests.Protocol;

public sealed class VerbKeyTests
{
    private const uint Helo = 'h' | ('e' << 8) | ('l' << 16) | ((uint)'o' << 24);
    private const uint Top = 't' | ('o' << 8) | ('p' << 16);

    [Theory]
    [InlineData("HELO")]
    [InlineData("helo")]
    [InlineData("HeLo")]
    [InlineData("hELO example.com")]
    public void AnyCaseOfAVerbPacksToItsLowerCaseConstant(string line) =>
        Assert.Equal(Helo, VerbKey.Read4(Encoding.ASCII.GetBytes(line)));

    [Theory]
    [InlineData("HEL@")]
    [InlineData("HEL\u000F")]
    [InlineData("hel ")]
    public void NonLettersAreNotFoldedIntoLetters(string line) =>
        Assert.NotEqual(Helo, VerbKey.Read4(Encoding.ASCII.GetBytes(line)));

    [Theory]
    [InlineData("TOP")]
    [InlineData("top")]
    [InlineData("ToP")]
    public void ThreeLetterVerbsPackWithAZeroFourthByte(string keyword) =>
        Assert.Equal(Top, VerbKey.Read3(Encoding.ASCII.GetBytes(keyword)));
}
