using System.Text;
using FastMail.Relay.Client;

namespace FastMail.Tests.Relay.Client;

public sealed class DotStuffingTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData(".", "..")]
    [InlineData("a.b\r\n.c\r\n", "a.b\r\n..c\r\n")]
    [InlineData(".\r\n..\r\n", "..\r\n...\r\n")]
    [InlineData("x\r.y\n.z", "x\r.y\n..z")]
    public void DotStuffDoublesLineLeadingDotsAtEverySplitPoint(string input, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var output = new byte[(bytes.Length * 2) + 2];
            var atLineStart = true;
            var written = SmtpRelayClient.DotStuff(bytes.AsSpan(0, split), output, ref atLineStart);
            written += SmtpRelayClient.DotStuff(bytes.AsSpan(split), output.AsSpan(written), ref atLineStart);

            Assert.Equal(expected, Encoding.ASCII.GetString(output, 0, written));
        }
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("plain-id", "plain-id")]
    [InlineData("a+b=c d", "a+2Bb+3Dc+20d")]
    [InlineData("\u00e9", "+C3+A9")]
    public void XTextEncodesPlusEqualsAndNonPrintables(string value, string expected)
    {
        Assert.Equal(expected, FastMail.Core.Mail.Xtext.Encode(value));
    }
}
