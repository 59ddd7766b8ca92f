using System.Net;
using System.Text;
using FastMail.Smtp.Session;

namespace FastMail.Tests.Smtp;

public sealed class TraceHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 15, 8, 9, TimeSpan.FromHours(1));

    [Fact]
    public void HeadersCarrySenderClientHostIdRecipientAndUtcDate()
    {
        var text = Write("a@example.net", "client.example.net", "[192.0.2.7]", extended: true, "bob@example.com");
        Assert.Equal(
            "Return-Path: <a@example.net>\r\n" +
            "Received: from client.example.net ([192.0.2.7])\r\n" +
            "\tby mx.example.com (FastMail) with ESMTP id 00000000000000FF\r\n" +
            "\tfor <bob@example.com>; Fri, 27 Nov 2026 14:08:09 +0000\r\n",
            text);
    }

    [Fact]
    public void HeadersForNullSenderWithoutHeloOrSingleRecipient()
    {
        var text = Write("", "", "", extended: false, "");
        Assert.Equal(
            "Return-Path: <>\r\n" +
            "Received: from unknown (unknown)\r\n" +
            "\tby mx.example.com (FastMail) with SMTP id 00000000000000FF;\r\n" +
            "\tFri, 27 Nov 2026 14:08:09 +0000\r\n",
            text);
    }

    [Fact]
    public async Task ClientAddressIsWrittenAsAnRfc5321AddressLiteral()
    {
        Assert.Contains("from [IPv6:2001:db8::1] ([IPv6:2001:db8::1])", await ReceivedFrom(IPAddress.Parse("2001:db8::1")), StringComparison.Ordinal);
        Assert.Contains("from [198.51.100.4] ([198.51.100.4])", await ReceivedFrom(IPAddress.Parse("::ffff:198.51.100.4")), StringComparison.Ordinal);
    }

    private static async Task<string> ReceivedFrom(IPAddress address)
    {
        var host = new SmtpHost();
        await using var script = new TestKit.SessionScript(pipe => host.Handler.RunAsync(pipe, new IPEndPoint(address, 25), default));
        await script.Expect("220 ");
        await script.SendRaw("MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nx\r\n.\r\n");
        await script.Expect("250 2.1.0");
        await script.Expect("250 2.1.5");
        await script.Expect("354 ");
        await script.Expect("250 2.0.0");
        return Encoding.Latin1.GetString(Assert.Single(host.Store.Messages("bob")));
    }

    [Fact]
    public void TlsSessionAndMarkAppearWhenGiven()
    {
        var text = Write("a@example.net", "c.example", "[192.0.2.7]", extended: true, "", "ESMTPSA", "TLSv1.3 TLS_AES_256_GCM_SHA384", mark: true);
        Assert.Equal(
            "Return-Path: <a@example.net>\r\n" +
            "Received: from c.example ([192.0.2.7])\r\n" +
            "\t(using TLSv1.3 TLS_AES_256_GCM_SHA384)\r\n" +
            "\tby mx.example.com (FastMail) with ESMTPSA id 00000000000000FF;\r\n" +
            "\tFri, 27 Nov 2026 14:08:09 +0000\r\n" +
            "X-FastMail-Unauthenticated-Sender: yes\r\n",
            text);
    }

    private static string Write(string sender, string helo, string literal, bool extended, string recipient, string? protocol = null, string tls = "", bool mark = false)
    {
        var buffer = new byte[4096];
        var length = TraceHeaders.Write(buffer, new TraceHeaders.Fields(
            Encoding.ASCII.GetBytes(sender),
            Encoding.ASCII.GetBytes(helo),
            Encoding.ASCII.GetBytes(literal),
            "mx.example.com"u8,
            Encoding.ASCII.GetBytes(protocol ?? (extended ? "ESMTP" : "SMTP")),
            Encoding.ASCII.GetBytes(tls),
            mark,
            0xFF,
            Encoding.ASCII.GetBytes(recipient),
            Now));
        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
