using FastMail.Tests.TestKit;
using System.Buffers;
using System.Text;
using FastMail.Core.Protocol;
using FastMail.Smtp.Parsing;

namespace FastMail.Tests.Smtp;

public sealed class SmtpCommandParserTests
{
    [Theory]
    [InlineData("MAIL FROM:<a@b.c>\r\nRCPT", "MAIL FROM:<a@b.c>")]
    [InlineData("noop\nQUIT\r\n", "noop")]
    [InlineData("\r\n", "")]
    [InlineData("EHLO x\r\r\n", "EHLO x\r")]
    public void ReadLineFindsTheFirstLineAtEverySplitPoint(string input, string expected)
    {
        var bytes = Segments.Latin1(input);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var status = SmtpCommandParser.TryReadLine(sequence, 512, new byte[512], out var line, out var next);
            Assert.Equal(LineStatus.Complete, status);
            Assert.Equal(expected, Encoding.Latin1.GetString(line));
            Assert.Equal(input.IndexOf('\n') + 1, sequence.Slice(0, next).Length);
        }
    }

    [Fact]
    public void ReadLineNeedsMoreDataWhenLineIsIncomplete()
    {
        foreach (var sequence in Segments.AllSplits(Segments.Latin1("MAIL FROM:<a@b.c>\r")))
        {
            Assert.Equal(LineStatus.NeedMoreData, SmtpCommandParser.TryReadLine(sequence, 512, new byte[512], out _, out _));
        }
    }

    [Fact]
    public void ReadLineAcceptsALineOfExactlyTheLimitIncludingCrlf()
    {
        var input = Segments.Latin1(new string('a', 510) + "\r\n");
        foreach (var sequence in Segments.AllSplits(input))
        {
            Assert.Equal(LineStatus.Complete, SmtpCommandParser.TryReadLine(sequence, 512, new byte[512], out var line, out _));
            Assert.Equal(510, line.Length);
        }
    }

    [Fact]
    public void ReadLineReportsTooLongOnceTheLimitPassesWithoutLineEnd()
    {
        var input = Segments.Latin1(new string('a', 511) + "\r\n");
        foreach (var sequence in Segments.AllSplits(input))
        {
            Assert.Equal(LineStatus.TooLong, SmtpCommandParser.TryReadLine(sequence, 512, new byte[512], out _, out _));
        }
    }

    [Fact]
    public void ReadLineDoesNotLookPastTheLimitEvenWhenALineEndFollows()
    {
        var sequence = Segments.Create(Segments.Latin1(new string('a', 600)), "\r\n"u8.ToArray());
        Assert.Equal(LineStatus.TooLong, SmtpCommandParser.TryReadLine(sequence, 512, new byte[512], out _, out _));
    }

    [Fact]
    public void SkipLineDiscardsUpToAndIncludingTheLineFeed()
    {
        foreach (var sequence in Segments.AllSplits(Segments.Latin1("xxxx\r\nNOOP\r\n")))
        {
            var buffer = sequence;
            Assert.True(SmtpCommandParser.TrySkipLine(ref buffer));
            Assert.Equal("NOOP\r\n", Encoding.Latin1.GetString(buffer.ToArray()));
        }
    }

    [Fact]
    public void SkipLineDiscardsEverythingWhenNoLineFeedArrivedYet()
    {
        var buffer = Segments.Create(Segments.Latin1("xxxx"), Segments.Latin1("yyyy"));
        Assert.False(SmtpCommandParser.TrySkipLine(ref buffer));
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData("HELO x", "Helo", "x")]
    [InlineData("ehlo", "Ehlo", "")]
    [InlineData("EhLo  mail.example.com  ", "Ehlo", "mail.example.com")]
    [InlineData("mail from: motriles", "Mail", "from: motriles")]
    [InlineData("RCPT TO:<a@b>", "Rcpt", "TO:<a@b>")]
    [InlineData("DATA", "Data", "")]
    [InlineData("rset", "Rset", "")]
    [InlineData("NOOP hello", "Noop", "hello")]
    [InlineData("QUIT", "Quit", "")]
    [InlineData("VRFY bob", "Vrfy", "bob")]
    [InlineData("help", "Help", "")]
    [InlineData("HELP\tDATA", "Help", "DATA")]
    [InlineData("STARTTLS", "StartTls", "")]
    [InlineData("starttls  x", "StartTls", "x")]
    [InlineData("auth PLAIN AGJvYgBwdw==", "Auth", "PLAIN AGJvYgBwdw==")]
    public void ParseVerbRecognisesEveryVerbInAnyCase(string line, string verb, string arguments)
    {
        Assert.Equal(Enum.Parse<SmtpVerb>(verb), SmtpCommandParser.ParseVerb(Segments.Latin1(line), out var args));
        Assert.Equal(arguments, Encoding.Latin1.GetString(args));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HEL")]
    [InlineData("HELOX")]
    [InlineData("MAILFROM:<a@b>")]
    [InlineData("EXPN list")]
    [InlineData("STARTTLSX")]
    [InlineData("STARTTL")]
    [InlineData("AUTHPLAIN")]
    [InlineData("h\u00c5lo")]
    [InlineData("\u0008ELO x")]
    public void ParseVerbRejectsAnythingElse(string line)
    {
        Assert.Equal(SmtpVerb.Unknown, SmtpCommandParser.ParseVerb(Segments.Latin1(line), out _));
    }

    [Theory]
    [InlineData("BDAT 100", "100")]
    [InlineData("bdat 0 LAST", "0 LAST")]
    [InlineData("BDAT", "")]
    public void BdatIsAVerb(string line, string arguments)
    {
        Assert.Equal(SmtpVerb.Bdat, SmtpCommandParser.ParseVerb(Encoding.ASCII.GetBytes(line), out var actual));
        Assert.Equal(arguments, Encoding.ASCII.GetString(actual));
    }

    [Theory]
    [InlineData("0", "Ok", 0L, false)]
    [InlineData("0 LAST", "Ok", 0L, true)]
    [InlineData("1000 last", "Ok", 1000L, true)]
    [InlineData("007\tLast", "Ok", 7L, true)]
    [InlineData("123456789012345678", "Ok", 123456789012345678L, false)]
    [InlineData("10 LASTX", "Syntax", 10L, false)]
    [InlineData("10 FINAL", "Syntax", 10L, false)]
    [InlineData("10 LAST more", "Syntax", 10L, false)]
    [InlineData("", "SizeUnreadable", 0L, false)]
    [InlineData("LAST", "SizeUnreadable", 0L, false)]
    [InlineData("-1", "SizeUnreadable", 0L, false)]
    [InlineData("+1", "SizeUnreadable", 0L, false)]
    [InlineData("1e3", "SizeUnreadable", 0L, false)]
    [InlineData("1234567890123456789", "SizeUnreadable", 0L, false)]
    public void BdatArgumentsGiveTheSizeAndTheEndMarker(string arguments, string status, long size, bool last)
    {
        Assert.Equal(Enum.Parse<BdatStatus>(status), BdatArguments.Parse(Encoding.ASCII.GetBytes(arguments), out var actualSize, out var actualLast));
        Assert.Equal(size, actualSize);
        Assert.Equal(last, actualLast);
    }
}
