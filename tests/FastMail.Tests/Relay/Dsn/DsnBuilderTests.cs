using System.Text;
using FastMail.Relay.Dsn;
using MimeKit;

namespace FastMail.Tests.Relay.Dsn;

public sealed class DsnBuilderTests
{
    private static readonly DateTimeOffset Arrived = new(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 30, 5, TimeSpan.Zero);

    private static readonly byte[] Original = Encoding.ASCII.GetBytes(
        "From: Alice <alice@example.com>\r\n" +
        "To: Bob <bob@example.net>\r\n" +
        "Subject: Lunch on Friday\r\n" +
        "Message-Id: <lunch-1@example.com>\r\n" +
        "\r\n" +
        "Shall we meet at noon?\r\n" +
        ".. a dot-stuffed looking line stays as it is\r\n");

    private readonly DsnBuilder _builder = new(new DsnOptions { PrimaryDomain = "example.com", ReportingMta = "mx.example.com" });

    private static DsnOriginal Envelope(DsnReturn? ret = null, string? envid = "QQ314159") => new("alice@example.com", envid, ret, Arrived);

    private static DsnRecipientReport Failed(string address = "bob@example.net", string? orcpt = "rfc822;Bob@Example.net") =>
        new(address, orcpt, DsnAction.Failed, "5.1.1", "mx.example.net", "smtp; 550 5.1.1 <bob@example.net>: no such user", Now.AddMinutes(-1));

    private static MimeMessage Parse(DsnMessage dsn) => MimeMessage.Load(new MemoryStream(dsn.Content));

    private static MultipartReport Report(MimeMessage message) => Assert.IsType<MultipartReport>(message.Body);

    private static string Field(HeaderList group, string name) => group[name] ?? throw new Xunit.Sdk.XunitException($"no {name} field");

    [Fact]
    public void AFailureDsnIsAMultipartReportFromTheMailerDaemonToTheSender()
    {
        var dsn = _builder.Build(Envelope(), Original, [Failed()], Now);
        var message = Parse(dsn);

        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal("Mail Delivery System", from.Name);
        Assert.Equal("MAILER-DAEMON@example.com", from.Address);
        Assert.Equal("alice@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Undelivered Mail Returned to Sender", message.Subject);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal(Now, message.Date);
        Assert.Equal(dsn.MessageId, message.MessageId);
        Assert.EndsWith("@example.com", message.MessageId, StringComparison.Ordinal);

        var report = Report(message);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal(3, report.Count);
        var text = Assert.IsType<TextPart>(report[0]);
        Assert.True(text.IsPlain);
        Assert.Contains("<bob@example.net>: delivery failed (status 5.1.1)", text.Text, StringComparison.Ordinal);
        Assert.Contains("host mx.example.net said: 550 5.1.1 <bob@example.net>: no such user", text.Text, StringComparison.Ordinal);
        Assert.IsType<MessageDeliveryStatus>(report[1]);
        var returned = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("message/rfc822", returned.ContentType.MimeType);
        Assert.Equal("Lunch on Friday", returned.Message?.Subject);
        Assert.False(dsn.EightBit);
    }

    [Fact]
    public void TheOriginalIsReturnedByteForByte()
    {
        var dsn = _builder.Build(Envelope(), Original, [Failed()], Now);
        Assert.True(dsn.Content.AsSpan().IndexOf(Original) >= 0, "the original's octets are not in the DSN unchanged");
    }

    [Fact]
    public void TheDeliveryStatusHasThePerMessageAndPerRecipientFields()
    {
        var second = new DsnRecipientReport("carol@example.org", null, DsnAction.Failed, "5.4.4", null, null, null);
        var dsn = _builder.Build(Envelope(), Original, [Failed(), second], Now);
        var groups = Assert.IsType<MessageDeliveryStatus>(Report(Parse(dsn))[1]).StatusGroups;

        Assert.Equal(3, groups.Count);
        Assert.Equal("dns; mx.example.com", Field(groups[0], "Reporting-MTA"));
        Assert.Equal("QQ314159", Field(groups[0], "Original-Envelope-Id"));
        Assert.True(MimeKit.Utils.DateUtils.TryParse(Field(groups[0], "Arrival-Date"), out var arrival));
        Assert.Equal(Arrived, arrival);

        var bob = groups[1];
        Assert.Equal("rfc822; bob@example.net", Field(bob, "Final-Recipient"));
        Assert.Equal("rfc822; Bob@Example.net", Field(bob, "Original-Recipient"));
        Assert.Equal("failed", Field(bob, "Action"));
        Assert.Equal("5.1.1", Field(bob, "Status"));
        Assert.Equal("dns; mx.example.net", Field(bob, "Remote-MTA"));
        Assert.Equal("smtp; 550 5.1.1 <bob@example.net>: no such user", Field(bob, "Diagnostic-Code"));
        Assert.True(MimeKit.Utils.DateUtils.TryParse(Field(bob, "Last-Attempt-Date"), out var last));
        Assert.Equal(Now.AddMinutes(-1), last);
        Assert.Null(bob["Will-Retry-Until"]);

        var carol = groups[2];
        Assert.Equal("rfc822; carol@example.org", Field(carol, "Final-Recipient"));
        Assert.Equal("5.4.4", Field(carol, "Status"));
        Assert.Null(carol["Original-Recipient"]);
        Assert.Null(carol["Remote-MTA"]);
        Assert.Null(carol["Diagnostic-Code"]);
        Assert.Null(carol["Last-Attempt-Date"]);
    }

    [Fact]
    public void WithoutEnvidThereIsNoOriginalEnvelopeId()
    {
        var dsn = _builder.Build(Envelope(envid: null), Original, [Failed()], Now);
        var groups = Assert.IsType<MessageDeliveryStatus>(Report(Parse(dsn))[1]).StatusGroups;
        Assert.Null(groups[0]["Original-Envelope-Id"]);
    }

    [Fact]
    public void RetHdrsReturnsTheHeaderOnly()
    {
        var dsn = _builder.Build(Envelope(DsnReturn.Headers), Original, [Failed()], Now);
        var returned = Report(Parse(dsn))[2];
        Assert.Equal("text/rfc822-headers", returned.ContentType.MimeType);
        var header = Original.AsSpan(0, Original.AsSpan().IndexOf("\r\n\r\n"u8) + 2);
        Assert.True(dsn.Content.AsSpan().IndexOf(header) >= 0, "the original header is not returned unchanged");
        Assert.True(dsn.Content.AsSpan().IndexOf("Shall we meet"u8) < 0, "the body came back with RET=HDRS");
    }

    [Fact]
    public void RetFullReturnsTheWholeMessage()
    {
        var dsn = _builder.Build(Envelope(DsnReturn.Full), Original, [Failed()], Now);
        Assert.Equal("message/rfc822", Report(Parse(dsn))[2].ContentType.MimeType);
        Assert.True(dsn.Content.AsSpan().IndexOf(Original) >= 0);
    }

    [Fact]
    public void AnOriginalOverTheSizeCapIsReturnedAsItsHeaderOnly()
    {
        var builder = new DsnBuilder(new DsnOptions { PrimaryDomain = "example.com", MaxReturnedMessageSize = 1000 });
        var large = Encoding.ASCII.GetBytes("Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat("0123456789012345678901234567890123456789\r\n", 100)));

        var dsn = builder.Build(Envelope(DsnReturn.Full), large, [Failed()], Now);
        var report = Report(Parse(dsn));
        Assert.Equal("text/rfc822-headers", report[2].ContentType.MimeType);
        Assert.Contains("larger than 1000 bytes", Assert.IsType<TextPart>(report[0]).Text, StringComparison.Ordinal);
        Assert.True(dsn.Content.AsSpan().IndexOf("0123456789"u8) < 0);

        var small = builder.Build(Envelope(DsnReturn.Full), Original, [Failed()], Now);
        Assert.Equal("message/rfc822", Report(Parse(small))[2].ContentType.MimeType);
    }

    [Fact]
    public void AStreamOverTheCapIsReadOnlyUpToTheCapAndReturnedAsItsHeader()
    {
        var header = "Subject: huge\r\nFrom: alice@example.com\r\n\r\n"u8.ToArray();
        var body = new byte[3 * 1024 * 1024];
        body.AsSpan().Fill((byte)'x');
        var stream = new CountingStream(new MemoryStream([.. header, .. body]));

        var dsn = _builder.Build(Envelope(), stream, [Failed()], Now);

        Assert.Equal("text/rfc822-headers", Report(Parse(dsn))[2].ContentType.MimeType);
        Assert.True(dsn.Content.AsSpan().IndexOf(header.AsSpan(0, header.Length - 2)) >= 0);
        Assert.True(stream.BytesRead <= 1024 * 1024 + 1, $"read {stream.BytesRead} bytes of a message over the cap");
        Assert.True(dsn.Content.Length < 64 * 1024);
    }

    [Fact]
    public void AStreamUnderTheCapIsReturnedWhole()
    {
        var dsn = _builder.Build(Envelope(), new MemoryStream(Original), [Failed()], Now);
        Assert.Equal("message/rfc822", Report(Parse(dsn))[2].ContentType.MimeType);
        Assert.True(dsn.Content.AsSpan().IndexOf(Original) >= 0);
    }

    [Fact]
    public void ADelayWarningSaysDelayedWithWillRetryUntilAndReturnsTheHeaderOnly()
    {
        var until = Arrived.AddDays(5);
        var delayed = new DsnRecipientReport("bob@example.net", null, DsnAction.Delayed, "4.4.1", "mx.example.net", "smtp; 451 4.4.1 try again later", Now, until);

        var dsn = _builder.Build(Envelope(DsnReturn.Full), Original, [delayed], Now);
        var message = Parse(dsn);
        var report = Report(message);

        Assert.Equal("Delayed Mail (still being retried)", message.Subject);
        var group = Assert.IsType<MessageDeliveryStatus>(report[1]).StatusGroups[1];
        Assert.Equal("delayed", Field(group, "Action"));
        Assert.Equal("4.4.1", Field(group, "Status"));
        Assert.True(MimeKit.Utils.DateUtils.TryParse(Field(group, "Will-Retry-Until"), out var parsed));
        Assert.Equal(until, parsed);
        Assert.Equal("text/rfc822-headers", report[2].ContentType.MimeType);
        Assert.Contains("will keep trying", Assert.IsType<TextPart>(report[0]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ASuccessReportSaysDeliveredAndReturnsTheHeaderOnly()
    {
        var delivered = new DsnRecipientReport("bob@example.net", null, DsnAction.Delivered, "2.0.0", "mx.example.net", "smtp; 250 2.0.0 OK", Now);
        var dsn = _builder.Build(Envelope(DsnReturn.Full), Original, [delivered], Now);
        var message = Parse(dsn);

        Assert.Equal("Successful Mail Delivery Report", message.Subject);
        Assert.Equal("delivered", Field(Assert.IsType<MessageDeliveryStatus>(Report(message)[1]).StatusGroups[1], "Action"));
        Assert.Equal("text/rfc822-headers", Report(message)[2].ContentType.MimeType);
    }

    [Fact]
    public void AnEightBitOriginalSurvivesAndMarksTheDsnEightBit()
    {
        var original = Encoding.UTF8.GetBytes("From: jörg@example.de\r\nSubject: Grüße aus Köln\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSchöne Grüße, 東京\r\n")
            .Concat(new byte[] { 0xE9, 0x0D, 0x0A }) // a stray Latin-1 octet: not even valid UTF-8
            .ToArray();

        var dsn = _builder.Build(Envelope(), original, [Failed()], Now);

        Assert.True(dsn.EightBit);
        Assert.True(dsn.Content.AsSpan().IndexOf(original) >= 0, "the 8-bit original was changed");
        var returned = Assert.IsType<MessagePart>(Report(Parse(dsn))[2]);
        Assert.Equal("8bit", returned.Headers[HeaderId.ContentTransferEncoding]);
        Assert.Equal("Grüße aus Köln", returned.Message?.Subject);
    }

    [Fact]
    public void ANonAsciiRecipientIsWrittenAsAnRfc6533Utf8Address()
    {
        var report = Failed("jörg@example.de", orcpt: null);
        var dsn = _builder.Build(Envelope(), Original, [report], Now);
        var group = Assert.IsType<MessageDeliveryStatus>(Report(Parse(dsn))[1]).StatusGroups[1];
        Assert.Equal("utf-8; j\\x{F6}rg@example.de", Field(group, "Final-Recipient"));
        Assert.Contains("<jörg@example.de>: delivery failed", Assert.IsType<TextPart>(Report(Parse(dsn))[0]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AMultiLineRemoteReplyBecomesOneLine()
    {
        var report = Failed() with { DiagnosticCode = "smtp; 550-5.7.1 first line\r\n550 5.7.1 second line" };
        var dsn = _builder.Build(Envelope(), Original, [report], Now);
        var group = Assert.IsType<MessageDeliveryStatus>(Report(Parse(dsn))[1]).StatusGroups[1];
        Assert.Equal("smtp; 550-5.7.1 first line 550 5.7.1 second line", Field(group, "Diagnostic-Code"));
        Assert.Equal("failed", Field(group, "Action"));
    }

    [Fact]
    public void EveryLineEndsWithCrlf()
    {
        var withBareLf = Encoding.ASCII.GetBytes("Subject: bare\n\nline one\nline two\n");
        foreach (var original in new[] { Original, withBareLf })
        {
            var content = _builder.Build(Envelope(), original, [Failed()], Now).Content;
            for (var i = 0; i < content.Length; i++)
            {
                if (content[i] == '\n')
                {
                    Assert.True(i > 0 && content[i - 1] == '\r', $"bare LF at {i}");
                }
            }
        }
    }

    [Fact]
    public void NoDsnIsBuiltForTheNullReversePath()
    {
        Assert.Throws<ArgumentException>(() => _builder.Build(new DsnOriginal("", null, null, Arrived), Original, [Failed()], Now));
        Assert.Throws<ArgumentException>(() => _builder.Build(Envelope(), Original, [], Now));
        Assert.Throws<ArgumentException>(() => _builder.Build(Envelope(), Original, [Failed() with { Status = "550" }], Now));
    }

    [Theory]
    [InlineData(null, DsnAction.Failed, true)]
    [InlineData(null, DsnAction.Delayed, true)]
    [InlineData(null, DsnAction.Delivered, false)]
    [InlineData(null, DsnAction.Relayed, false)]
    [InlineData("", DsnAction.Failed, true)]
    [InlineData("NEVER", DsnAction.Failed, false)]
    [InlineData("NEVER", DsnAction.Delayed, false)]
    [InlineData("never", DsnAction.Delivered, false)]
    [InlineData("SUCCESS", DsnAction.Delivered, true)]
    [InlineData("SUCCESS", DsnAction.Relayed, true)]
    [InlineData("SUCCESS", DsnAction.Expanded, true)]
    [InlineData("SUCCESS", DsnAction.Failed, false)]
    [InlineData("SUCCESS", DsnAction.Delayed, false)]
    [InlineData("FAILURE", DsnAction.Failed, true)]
    [InlineData("FAILURE", DsnAction.Delayed, false)]
    [InlineData("DELAY", DsnAction.Delayed, true)]
    [InlineData("DELAY", DsnAction.Failed, false)]
    [InlineData("success,failure", DsnAction.Failed, true)]
    [InlineData("SUCCESS, DELAY", DsnAction.Delayed, true)]
    [InlineData("SUCCESS,DELAY", DsnAction.Failed, false)]
    public void ShouldNotifyFollowsRfc3461Notify(string? notify, DsnAction action, bool expected)
    {
        Assert.Equal(expected, DsnBuilder.ShouldNotify(notify, action));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<>")]
    public void ShouldNotifyIsFalseForTheNullSenderWhateverNotifySays(string sender)
    {
        Assert.False(DsnBuilder.ShouldNotify(sender, "SUCCESS,FAILURE,DELAY", DsnAction.Failed));
        Assert.True(DsnBuilder.ShouldNotify("alice@example.com", "SUCCESS,FAILURE,DELAY", DsnAction.Failed));
    }

    [Theory]
    [InlineData("QQ314159", "QQ314159")]
    [InlineData("bob+2Bextra@example.net", "bob+extra@example.net")]
    [InlineData("rfc822;a+3Db@example.net", "rfc822;a=b@example.net")]
    [InlineData("a+2b@x", "a+2b@x")]
    public void DecodeXtextDecodesPlusHexOctets(string xtext, string decoded)
    {
        Assert.Equal(decoded, FastMail.Core.Mail.Xtext.Decode(xtext));
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
