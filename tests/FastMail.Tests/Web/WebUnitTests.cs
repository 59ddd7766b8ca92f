using FastMail.Web.Mail;
using FastMail.Web.Security;
using MimeKit;

namespace FastMail.Tests.Web;

public sealed class WebUnitTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("a & b \"q\" 'x'", "a &amp; b &quot;q&quot; &#x27;x&#x27;")]
    [InlineData("javascript:alert(1)", "javascript:alert(1)")]
    [InlineData("go to http://a.example/x.", "go to <a href=\"http://a.example/x\" rel=\"noopener noreferrer\" target=\"_blank\">http://a.example/x</a>.")]
    [InlineData("https://a.example/?q=<b>", "<a href=\"https://a.example/?q=\" rel=\"noopener noreferrer\" target=\"_blank\">https://a.example/?q=</a>&lt;b&gt;")]
    [InlineData("https://a.example/\"onmouseover=\"x", "<a href=\"https://a.example/\" rel=\"noopener noreferrer\" target=\"_blank\">https://a.example/</a>&quot;onmouseover=&quot;x")]
    public void TextToHtmlEncodesEverythingAndLinksOnlyHttpUrls(string text, string html) => Assert.Equal(html, MessageRenderer.TextToHtml(text));

    [Theory]
    [InlineData("../../etc/passwd", 1, "passwd")]
    [InlineData("a\"b;c.txt", 1, "a_b_c.txt")]
    [InlineData("..hidden", 1, "hidden")]
    [InlineData("", 3, "part-3")]
    [InlineData(null, 4, "part-4")]
    [InlineData("line\r\nbreak.txt", 1, "line__break.txt")]
    public void SafeFileNameKeepsNoPathQuotesOrControlCharacters(string? name, int index, string expected) =>
        Assert.Equal(expected, MessageRenderer.SafeFileName(name, index));

    [Fact]
    public void CidImagesBecomeDataUrlsAndOtherCidPartsPointAtThisMessagesPartUrls()
    {
        var builder = new BodyBuilder();
        var image = builder.LinkedResources.Add("logo.png", new byte[] { 0x89, 0x50, 0x4E, 0x47 }, new ContentType("image", "png"));
        image.ContentId = "logo@example";
        var svg = builder.LinkedResources.Add("x.svg", "<svg onload=\"alert(1)\"/>"u8.ToArray(), new ContentType("image", "svg+xml"));
        svg.ContentId = "svg@example";
        builder.HtmlBody = "<img src=\"cid:logo@example\"><img src=\"cid:svg@example\"><img src=\"cid:missing\">";
        var message = new MimeMessage { Body = builder.ToMessageBody() };
        var html = MessageRenderer.HtmlOf(message, 42)!;
        var svgIndex = message.BodyParts.ToList().FindIndex(p => p.ContentId == "svg@example");
        Assert.Contains("src=\"data:image/png;base64,iVBORw==\"", html, StringComparison.Ordinal);
        Assert.Contains($"src=\"/api/messages/42/parts/{svgIndex}\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"about:blank\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdleSessionExpiresAndAnActiveOneDoesNot()
    {
        var time = new ManualTime();
        var store = new WebSessionStore(TimeSpan.FromMinutes(30), time);
        var (idle, _) = store.Create("a", "a", false);
        var (active, session) = store.Create("b", "b", true);
        Assert.Equal(43, idle.Length);
        Assert.NotEqual(idle, active);
        Assert.NotEqual(session.CsrfToken, active);
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Same(session, store.Find(active));
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(store.Find(idle));
        Assert.Same(session, store.Find(active));
        Assert.Null(store.Find("nonsense"));
        Assert.Null(store.Find(null));
    }

    [Fact]
    public void APasswordChangeEndsTheUsersOtherSessions()
    {
        var store = new WebSessionStore(TimeSpan.FromMinutes(30));
        var (keep, _) = store.Create("a", "a", false);
        var (other, _) = store.Create("a", "a", false);
        var (someoneElse, _) = store.Create("b", "b", false);
        store.RemoveOthers("a", keep);
        Assert.NotNull(store.Find(keep));
        Assert.Null(store.Find(other));
        Assert.NotNull(store.Find(someoneElse));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _now = 1_000_000;

        public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);

        public override long GetTimestamp() => _now;
    }
}
