using System.Text;
using FastMail.Pop3.Parsing;

namespace FastMail.Tests.Pop3;

public sealed class VerbParserTests
{
    [Theory]
    [InlineData("USER motriles", nameof(Pop3Verb.User), "motriles")]
    [InlineData("user motriles", nameof(Pop3Verb.User), "motriles")]
    [InlineData("uSeR motriles", nameof(Pop3Verb.User), "motriles")]
    [InlineData("PASS two words ", nameof(Pop3Verb.Pass), "two words ")]
    [InlineData("APOP mrose c4c9334bac560ecc979e58001b3e22fb", nameof(Pop3Verb.Apop), "mrose c4c9334bac560ecc979e58001b3e22fb")]
    [InlineData("AUTH KERBEROS V4", nameof(Pop3Verb.Auth), "KERBEROS V4")]
    [InlineData("capa", nameof(Pop3Verb.Capa), "")]
    [InlineData("QUIT", nameof(Pop3Verb.Quit), "")]
    [InlineData("stat", nameof(Pop3Verb.Stat), "")]
    [InlineData("LIST 2", nameof(Pop3Verb.List), "2")]
    [InlineData("retr 1", nameof(Pop3Verb.Retr), "1")]
    [InlineData("Dele 1", nameof(Pop3Verb.Dele), "1")]
    [InlineData("NOOP", nameof(Pop3Verb.Noop), "")]
    [InlineData("RSET", nameof(Pop3Verb.Rset), "")]
    [InlineData("top 1 10", nameof(Pop3Verb.Top), "1 10")]
    [InlineData("TOP 1 10", nameof(Pop3Verb.Top), "1 10")]
    [InlineData("UIDL", nameof(Pop3Verb.Uidl), "")]
    [InlineData("stls", nameof(Pop3Verb.Stls), "")]
    public void ParseRecognisesEveryVerbInAnyCaseAndReturnsTheRestAsArguments(string line, string expected, string arguments)
    {
        var verb = VerbParser.Parse(Encoding.ASCII.GetBytes(line), out var rest);

        Assert.Equal(expected, verb.ToString());
        Assert.Equal(arguments, Encoding.ASCII.GetString(rest));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" USER x")]
    [InlineData("USERS x")]
    [InlineData("USE x")]
    [InlineData("TO 1 2")]
    [InlineData("TOPS 1 2")]
    [InlineData("XTND XMIT")]
    [InlineData("STL")]
    [InlineData("TOP\0 1 2")]
    [InlineData("U\u00d3ER x")]
    [InlineData("R\u00c5TR 1")]
    public void ParseReturnsUnknownForAnythingElse(string line)
    {
        Assert.Equal(Pop3Verb.Unknown, VerbParser.Parse(Encoding.Latin1.GetBytes(line), out _));
    }

    [Fact]
    public void ParseDoesNotConfuseVerbsThatDifferOnlyInNonLetterBytes()
    {
        // '@' | 0x20 is '`' and '[' | 0x20 is '{': no non-letter byte can turn into a verb letter.
        Assert.Equal(Pop3Verb.Unknown, VerbParser.Parse("@SER x"u8, out _));
        Assert.Equal(Pop3Verb.Unknown, VerbParser.Parse("US[R x"u8, out _));
    }
}
