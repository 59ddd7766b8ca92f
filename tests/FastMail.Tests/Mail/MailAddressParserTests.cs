using System.Text;
using FastMail.Core.Mail;

namespace FastMail.Tests.Mail;

public sealed class MailAddressParserTests
{
    [Theory]
    [InlineData("FROM:<user@example.com>", "user@example.com", "")]
    [InlineData("from:<user@example.com> SIZE=100 BODY=8BITMIME", "user@example.com", "SIZE=100 BODY=8BITMIME")]
    [InlineData("From:<>", "", "")]
    [InlineData("FROM:<> SIZE=1", "", "SIZE=1")]
    [InlineData("FROM:<first.last+tag@sub.example.co.uk>", "first.last+tag@sub.example.co.uk", "")]
    [InlineData("FROM:<\"john doe\"@example.com>", "\"john doe\"@example.com", "")]
    [InlineData("FROM:<\"a>b\"@example.com>", "\"a>b\"@example.com", "")]
    [InlineData("FROM:<@relay.one,@relay.two:user@example.com>", "user@example.com", "")]
    [InlineData("FROM:<user@[192.0.2.1]>", "user@[192.0.2.1]", "")]
    [InlineData("FROM:<us\u00e9r@exampl\u00e9.com>", "us\u00e9r@exampl\u00e9.com", "")]
    [InlineData("FROM:<o'brien@example.com>", "o'brien@example.com", "")]
    public void StrictPathsParseInBothModes(string arguments, string address, string parameters)
    {
        foreach (var strict in new[] { false, true })
        {
            var status = MailAddressParser.TryParsePath(Utf8(arguments), "from:"u8, strict, allowNullPath: true, out var parsed, out var rest);
            Assert.Equal(PathStatus.Ok, status);
            Assert.Equal(address, Encoding.UTF8.GetString(parsed));
            Assert.Equal(parameters, Encoding.UTF8.GetString(rest));
        }
    }

    [Theory]
    [InlineData("FROM: motriles", "motriles", "")]
    [InlineData("FROM:<motriles>", "motriles", "")]
    [InlineData("from: <user@example.com>", "user@example.com", "")]
    [InlineData("FROM:user@example.com", "user@example.com", "")]
    [InlineData("FROM:  user@example.com SIZE=5", "user@example.com", "SIZE=5")]
    public void LenientFormsParseOnlyWhenNotStrict(string arguments, string address, string parameters)
    {
        var status = MailAddressParser.TryParsePath(Utf8(arguments), "from:"u8, strict: false, allowNullPath: true, out var parsed, out var rest);
        Assert.Equal(PathStatus.Ok, status);
        Assert.Equal(address, Encoding.UTF8.GetString(parsed));
        Assert.Equal(parameters, Encoding.UTF8.GetString(rest));

        Assert.Equal(PathStatus.BadAddress, MailAddressParser.TryParsePath(Utf8(arguments), "from:"u8, strict: true, allowNullPath: true, out _, out _));
    }

    [Theory]
    [InlineData("TO:<postmaster>")]
    [InlineData("TO:<PostMaster>")]
    public void StrictModeStillAcceptsUnqualifiedPostmasterAsRecipient(string arguments)
    {
        Assert.Equal(PathStatus.Ok, MailAddressParser.TryParsePath(Utf8(arguments), "to:"u8, strict: true, allowNullPath: false, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FROM")]
    [InlineData("FROM:")]
    [InlineData("TO:<a@b.c>")]
    [InlineData("FROM <a@b.c>")]
    public void MissingKeywordOrPathIsASyntaxError(string arguments)
    {
        Assert.Equal(PathStatus.Syntax, MailAddressParser.TryParsePath(Utf8(arguments), "from:"u8, strict: false, allowNullPath: true, out _, out _));
    }

    [Theory]
    [InlineData("FROM:<a@b.c")]
    [InlineData("FROM:<a@b.c>junk")]
    [InlineData("FROM:<@a>")]
    [InlineData("FROM:<a@>")]
    [InlineData("FROM:<@b.c>")]
    [InlineData("FROM:<a..b@c.d>")]
    [InlineData("FROM:<.a@c.d>")]
    [InlineData("FROM:<a.@c.d>")]
    [InlineData("FROM:<a b@c.d>")]
    [InlineData("FROM:<a@b..c>")]
    [InlineData("FROM:<a@b.c.>")]
    [InlineData("FROM:<a@b_c>")]
    [InlineData("FROM:<a(b)@c.d>")]
    [InlineData("FROM:<\"unterminated@c.d>")]
    [InlineData("FROM:<a@[1.2.3.4>")]
    [InlineData("FROM:<a\rb@c.d>")]
    [InlineData("FROM:<a@b\rc>")]
    [InlineData("FROM:<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@c.d>")]
    public void MalformedAddressesAreRejected(string arguments)
    {
        Assert.Equal(PathStatus.BadAddress, MailAddressParser.TryParsePath(Utf8(arguments), "from:"u8, strict: false, allowNullPath: true, out _, out _));
    }

    [Fact]
    public void NullPathIsRejectedWhereNotAllowed()
    {
        Assert.Equal(PathStatus.BadAddress, MailAddressParser.TryParsePath("TO:<>"u8, "to:"u8, strict: false, allowNullPath: false, out _, out _));
    }

    [Theory]
    [InlineData("user@example.com", "user", "example.com")]
    [InlineData("\"a@b\"@example.com", "\"a@b\"", "example.com")]
    [InlineData("motriles", "motriles", "")]
    public void SplitCutsAtTheLastAtSign(string mailbox, string local, string domain)
    {
        MailAddressParser.Split(Utf8(mailbox), out var l, out var d);
        Assert.Equal(local, Encoding.UTF8.GetString(l));
        Assert.Equal(domain, Encoding.UTF8.GetString(d));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
