using System.Net;
using System.Text.Json;
using FastMail.IntegrationTests.Harness;
using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;

namespace FastMail.IntegrationTests.Web;

/// <summary>The webmail over HTTP against a real server (Kestrel on 127.0.0.1:0, FASTER store, accounts, SMTP and POP3).</summary>
public sealed class WebmailTests : IAsyncLifetime
{
    private const string AppPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private TestServer _server = null!;
    private WebTestClient _web = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start([("motriles", "jose"), ("bob", "secret")]);
        _web = new WebTestClient(_server.WebPort);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _web.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task LoginWithTheMailPasswordSetsAnHttpOnlyStrictSessionCookie()
    {
        using var raw = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _web.Http.BaseAddress };
        var response = await raw.PostAsync("/api/login", new StringContent("{\"user\":\"motriles\",\"password\":\"jose\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("fm_session=", cookie, StringComparison.Ordinal);
        var id = cookie["fm_session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
        Assert.Equal(43, id.Length); // 256 random bits, base64url
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP: a Secure cookie would never come back
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("motriles@" + TestServer.Domain, json.RootElement.GetProperty("address").GetString());
        Assert.False(json.RootElement.GetProperty("isAdmin").GetBoolean());
    }

    [Fact]
    public async Task LoginWithAWrongPasswordOrUnknownUserIsRefusedAlike()
    {
        var wrong = await _web.LoginAsync("motriles", "wrong");
        var unknown = await _web.LoginAsync("nobody", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _web.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _web.LoginAsync("motriles", "jose")).StatusCode);
    }

    [Fact]
    public async Task WithoutASessionTheApiAnswers401AndPagesRedirectToLogin()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _web.GetAsync("/api/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _web.GetAsync("/api/messages/1")).StatusCode);
        var page = await _web.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await _web.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task NonGetRequestsWithoutTheCsrfTokenAreRefused()
    {
        await TestMessages.DeliverAsync(_server, WebTestClient.Text("keep me", "body"));
        await _web.LoginAsync("motriles", "jose");
        var id = await FirstIdAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await _web.PostJsonAsync("/api/messages/delete", new { ids = new[] { id } }, withCsrf: false)).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{id}");
        wrong.Headers.Add("X-CSRF-Token", "not-the-token");
        Assert.Equal(HttpStatusCode.Forbidden, (await _web.Http.SendAsync(wrong)).StatusCode);
        var crossSite = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{id}");
        crossSite.Headers.Add("X-CSRF-Token", _web.Csrf);
        crossSite.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await _web.Http.SendAsync(crossSite)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _web.SendAsync(HttpMethod.Post, "/api/send", new FormUrlEncodedContent([new("to", "bob"), new("subject", "x")]), withCsrf: false)).StatusCode);
        Assert.Equal(1, (await _web.GetJsonAsync("/api/messages")).RootElement.GetProperty("total").GetInt32());

        // The form field works as well as the header.
        var form = new FormUrlEncodedContent([new("to", "bob"), new("subject", "via form"), new("body", "hi"), new("csrf", _web.Csrf!)]);
        Assert.Equal(HttpStatusCode.OK, (await _web.SendAsync(HttpMethod.Post, "/api/send", form, withCsrf: false)).StatusCode);
    }

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeaders()
    {
        var anonymous = new List<HttpResponseMessage>
        {
            await _web.GetAsync("/login"),
            await _web.GetAsync("/"),
            await _web.GetAsync("/static/app.js"),
            await _web.GetAsync("/static/../FastMail.Web.dll"),
            await _web.GetAsync("/api/messages"),
            await _web.GetAsync("/no/such/page"),
            await _web.LoginAsync("motriles", "wrong"),
        };
        await _web.LoginAsync("motriles", "jose");
        var loggedIn = new List<HttpResponseMessage>
        {
            await _web.GetAsync("/"),
            await _web.GetAsync("/api/messages"),
            await _web.GetAsync("/api/messages/999999"),
            await _web.GetAsync("/api/session"),
            await _web.PostJsonAsync("/api/messages/delete", new { ids = new[] { 1 } }, withCsrf: false),
        };
        foreach (var response in anonymous.Concat(loggedIn))
        {
            var where = response.RequestMessage!.RequestUri!.ToString();
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", where);
            Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", where);
            Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", where);
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single() == AppPolicy, where);
        }

        Assert.Equal(HttpStatusCode.NotFound, anonymous[3].StatusCode);
    }

    [Fact]
    public async Task InboxListsNewestFirstFiftyPerPage()
    {
        var messages = Enumerable.Range(0, 120).Select(i => WebTestClient.Text($"m{i:D3}", "body " + i)).ToArray();
        await TestMessages.DeliverAsync(_server, messages);
        await _web.LoginAsync("motriles", "jose");

        var subjects = new List<string>();
        string path = "/api/messages";
        var pages = 0;
        while (true)
        {
            using var page = await _web.GetJsonAsync(path);
            pages++;
            Assert.Equal(120, page.RootElement.GetProperty("total").GetInt32());
            Assert.False(page.RootElement.GetProperty("locked").GetBoolean());
            var list = page.RootElement.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(pages < 3 ? 50 : 20, list.Count);
            subjects.AddRange(list.Select(m => m.GetProperty("subject").GetString()!));
            Assert.All(list, m => Assert.Equal("sender@example.org", m.GetProperty("from").GetString()));
            if (!page.RootElement.TryGetProperty("next", out var next))
            {
                break;
            }

            path = "/api/messages?before=" + next.GetInt64();
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 120).Reverse().Select(i => $"m{i:D3}"), subjects);
    }

    [Fact]
    public async Task SearchMatchesFromAndSubject()
    {
        await TestMessages.DeliverAsync(_server,
            WebTestClient.Text("quarterly report", "a"),
            WebTestClient.Text("lunch", "b", from: "alice@example.net"),
            WebTestClient.Text("other", "c"));
        await _web.LoginAsync("motriles", "jose");
        using var bySubject = await _web.GetJsonAsync("/api/messages?q=REPORT");
        Assert.Equal(["quarterly report"], bySubject.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        using var byFrom = await _web.GetJsonAsync("/api/messages?q=alice");
        Assert.Equal(["lunch"], byFrom.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task ATextMessageIsShownEncodedWithClickableLinks()
    {
        await TestMessages.DeliverAsync(_server, WebTestClient.Text("hello", "See https://example.org/a?b=1&c=2 now.\n<b>not bold</b>"));
        await _web.LoginAsync("motriles", "jose");
        var id = await FirstIdAsync();
        using var message = await _web.GetJsonAsync($"/api/messages/{id}");
        var root = message.RootElement;
        Assert.Equal("hello", root.GetProperty("subject").GetString());
        Assert.Contains("<b>not bold</b>", root.GetProperty("text").GetString(), StringComparison.Ordinal);
        var html = root.GetProperty("textHtml").GetString()!;
        Assert.Contains("<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\" target=\"_blank\">", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;not bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.False(root.GetProperty("hasHtml").GetBoolean());
    }

    [Fact]
    public async Task AnHtmlBodyIsServedOnlyUnderTheSandboxPolicy()
    {
        await TestMessages.DeliverAsync(_server, WebTestClient.Html("html", "<p>Hi <img src=\"https://tracker.example/p.gif\"><script>alert(1)</script></p>", "Hi"));
        await _web.LoginAsync("motriles", "jose");
        var id = await FirstIdAsync();
        using var message = await _web.GetJsonAsync($"/api/messages/{id}");
        Assert.True(message.RootElement.GetProperty("hasHtml").GetBoolean());
        Assert.True(message.RootElement.GetProperty("hasRemoteImages").GetBoolean());

        var html = await _web.GetAsync($"/api/messages/{id}/html");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'", html.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("SAMEORIGIN", html.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", html.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("<script>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal); // harmless: the sandbox runs no script

        var withImages = await _web.GetAsync($"/api/messages/{id}/html?images=1");
        Assert.Equal("sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'", withImages.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task AttachmentsDownloadWithAttachmentDispositionAndASafeName()
    {
        var message = WebTestClient.Text("with files", "see attached");
        var builder = new BodyBuilder { TextBody = "see attached" };
        builder.Attachments.Add("../../etc/pass\"wd.txt", "secret data"u8.ToArray(), new ContentType("text", "plain"));
        builder.Attachments.Add("evil.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8.ToArray(), new ContentType("image", "svg+xml"));
        message.Body = builder.ToMessageBody();
        await TestMessages.DeliverAsync(_server, message);
        await _web.LoginAsync("motriles", "jose");
        var id = await FirstIdAsync();
        using var view = await _web.GetJsonAsync($"/api/messages/{id}");
        var attachments = view.RootElement.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(2, attachments.Count);
        Assert.Equal("pass_wd.txt", attachments[0].GetProperty("name").GetString());

        foreach (var attachment in attachments)
        {
            var part = attachment.GetProperty("part").GetInt32();
            var response = await _web.GetAsync($"/api/messages/{id}/parts/{part}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal(attachment.GetProperty("name").GetString(), response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            Assert.StartsWith("sandbox;", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        var first = await _web.GetAsync($"/api/messages/{id}/parts/{attachments[0].GetProperty("part").GetInt32()}");
        Assert.Equal("secret data", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _web.GetAsync($"/api/messages/{id}/parts/99")).StatusCode);
    }

    [Fact]
    public async Task DeletedMessagesAreGoneFromTheWebAndTheNextPop3Session()
    {
        await TestMessages.DeliverAsync(_server, WebTestClient.Text("one", "1"), WebTestClient.Text("two", "2"), WebTestClient.Text("three", "3"));
        await _web.LoginAsync("motriles", "jose");
        using var list = await _web.GetJsonAsync("/api/messages");
        var ids = list.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToList();

        var many = await _web.PostJsonAsync("/api/messages/delete", new { ids = new[] { ids[0], ids[1] } });
        Assert.Equal(HttpStatusCode.OK, many.StatusCode);
        Assert.Contains("\"deleted\":2", await many.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _web.SendAsync(HttpMethod.Delete, $"/api/messages/{ids[2]}")).StatusCode);
        Assert.Equal(0, (await _web.GetJsonAsync("/api/messages")).RootElement.GetProperty("total").GetInt32());

        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync("motriles", "jose");
        Assert.Equal(0, await pop.GetMessageCountAsync());
    }

    [Fact]
    public async Task WhileAPop3SessionHoldsTheMailboxDeleteIsRefusedWith409AndListingStillWorks()
    {
        await TestMessages.DeliverAsync(_server, WebTestClient.Text("held", "x"));
        await _web.LoginAsync("motriles", "jose");
        var id = await FirstIdAsync();

        using (var pop = new Pop3Client())
        {
            await pop.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
            await pop.AuthenticateAsync("motriles", "jose");

            var refused = await _web.PostJsonAsync("/api/messages/delete", new { ids = new[] { id } });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            using var list = await _web.GetJsonAsync("/api/messages");
            Assert.True(list.RootElement.GetProperty("locked").GetBoolean());
            Assert.Equal(1, list.RootElement.GetProperty("total").GetInt32());
            using var view = await _web.GetJsonAsync($"/api/messages/{id}");
            Assert.Equal("held", view.RootElement.GetProperty("subject").GetString());
            Assert.True(view.RootElement.GetProperty("locked").GetBoolean());
            await pop.DisconnectAsync(quit: true);
        }

        Assert.Equal(HttpStatusCode.OK, (await _web.PostJsonAsync("/api/messages/delete", new { ids = new[] { id } })).StatusCode);
    }

    [Fact]
    public async Task MailSentFromTheWebArrivesInTheLocalMailboxWithItsAttachment()
    {
        await _web.LoginAsync("bob", "secret");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("motriles@" + TestServer.Domain), "to" },
            { new StringContent("Grüße from the web"), "subject" },
            { new StringContent("Hello\nsecond line"), "body" },
        };
        form.Add(new ByteArrayContent("attached bytes"u8.ToArray()), "attachments", "notes.txt");
        var sent = await _web.SendAsync(HttpMethod.Post, "/api/send", form);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("motriles@" + TestServer.Domain, await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var motriles = new WebTestClient(_server.WebPort);
        await motriles.LoginAsync("motriles", "jose");
        using var list = await motriles.GetJsonAsync("/api/messages");
        var summary = Assert.Single(list.RootElement.GetProperty("messages").EnumerateArray());
        Assert.Equal("Grüße from the web", summary.GetProperty("subject").GetString());
        Assert.Equal("bob@" + TestServer.Domain, summary.GetProperty("from").GetString());
        using var view = await motriles.GetJsonAsync($"/api/messages/{summary.GetProperty("id").GetInt64()}");
        Assert.Equal("Hello\nsecond line", view.RootElement.GetProperty("text").GetString()!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal("notes.txt", Assert.Single(view.RootElement.GetProperty("attachments").EnumerateArray()).GetProperty("name").GetString());

        // A reply carries In-Reply-To, from the original's Message-Id.
        var originalId = view.RootElement.GetProperty("messageId").GetString();
        var reply = new FormUrlEncodedContent([new("to", "bob"), new("subject", "Re: hi"), new("body", "> quoted"), new("replyTo", summary.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.OK, (await motriles.SendAsync(HttpMethod.Post, "/api/send", reply)).StatusCode);
        using var bobList = await _web.GetJsonAsync("/api/messages");
        var replyId = bobList.RootElement.GetProperty("messages")[0].GetProperty("id").GetInt64();
        using var replyView = await _web.GetJsonAsync($"/api/messages/{replyId}");
        Assert.Equal("Re: hi", replyView.RootElement.GetProperty("subject").GetString());
        Assert.False(string.IsNullOrEmpty(originalId));
    }

    [Theory]
    [InlineData("subject", "hi\r\nBcc: victim@example.org")]
    [InlineData("subject", "hi\nX-Injected: 1")]
    [InlineData("to", "bob\r\nBcc: victim@example.org")]
    [InlineData("cc", "bob@fastmail.test\rX: y")]
    public async Task LineBreaksInComposeHeaderFieldsAreRejected(string field, string value)
    {
        await _web.LoginAsync("motriles", "jose");
        var fields = new Dictionary<string, string> { ["to"] = "bob", ["subject"] = "s", ["body"] = "b" };
        fields[field] = value;
        var response = await _web.SendAsync(HttpMethod.Post, "/api/send", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var bob = new WebTestClient(_server.WebPort);
        await bob.LoginAsync("bob", "secret");
        Assert.Equal(0, (await bob.GetJsonAsync("/api/messages")).RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ChangingThePasswordTakesEffectForWebAndPop3()
    {
        await _web.LoginAsync("motriles", "jose");
        Assert.Equal(HttpStatusCode.Forbidden, (await _web.PostJsonAsync("/api/password", new { current = "nope", @new = "n3w-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _web.PostJsonAsync("/api/password", new { current = "jose", @new = "n3w-password" })).StatusCode);

        // The directory reloads accounts.json on its own schedule: wait for the new password to be accepted.
        using var other = new WebTestClient(_server.WebPort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await other.LoginAsync("motriles", "n3w-password")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the new password was not accepted");
            await Task.Delay(200);
        }

        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync("motriles", "n3w-password");
    }

    [Fact]
    public async Task LogoutEndsTheSession()
    {
        await _web.LoginAsync("motriles", "jose");
        Assert.Equal(HttpStatusCode.OK, (await _web.GetAsync("/api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _web.SendAsync(HttpMethod.Post, "/api/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _web.GetAsync("/api/session")).StatusCode);
    }

    private async Task<long> FirstIdAsync()
    {
        using var list = await _web.GetJsonAsync("/api/messages");
        return list.RootElement.GetProperty("messages")[0].GetProperty("id").GetInt64();
    }
}

internal static class TestMessages
{
    public static Task DeliverAsync(TestServer server, params MimeMessage[] messages) => WebTestClient.DeliverAsync(server.SmtpPort, messages);
}
