using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FastMail.Web;
using FastMail.Web.Security;
using FastMail.Web.Static;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Web;

/// <summary>The web server over fakes: access rules (RequireUser/RequireAdmin), the login throttle, the POP3 lock, static files.</summary>
public sealed class WebServerTests : IAsyncLifetime
{
    private readonly FakeMailStore _store = new();
    private readonly FakeAccounts _accounts = new();
    private readonly FakeThrottle _throttle = new();
    private FakeSubmission _submission = null!;
    private WebServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _submission = new FakeSubmission(_store);
        var services = new WebServices(_accounts, new FakeDirectory(), _store, _store, _submission, _throttle)
        {
            MapExtra = app =>
            {
                app.MapGet("/api/admin/ping", (RequestDelegate)(context => context.Response.WriteAsync("pong"))).RequireAdmin();
                app.MapGet("/admin", (RequestDelegate)(context => context.Response.WriteAsync("admin page"))).RequireAdmin();
                app.MapPost("/api/admin/change", (RequestDelegate)(context => context.Response.WriteAsync("changed"))).RequireAdmin();
            },
        };
        _server = await WebServer.StartAsync(new WebOptions { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] }, services, NullLoggerFactory.Instance);
        _http = NewClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.StopAsync();
    }

    private HttpClient NewClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_server.EndPoints[0].Port}") };

    private static async Task<string> LoginAsync(HttpClient http, string user, string password)
    {
        var response = await http.PostAsJsonAsync("/api/login", new { user, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("csrf").GetString()!;
    }

    [Fact]
    public void TheServerReportsThePortTheSystemChose() => Assert.NotEqual(0, Assert.Single(_server.EndPoints).Port);

    [Fact]
    public async Task AdminRoutesRefuseAnonymousWith401AndNonAdminsWith403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync("/api/admin/ping")).StatusCode);
        var page = await _http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login", page.Headers.Location?.OriginalString);

        var csrf = await LoginAsync(_http, "motriles", "jose");
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.GetAsync("/api/admin/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.GetAsync("/admin")).StatusCode);
        var post = new HttpRequestMessage(HttpMethod.Post, "/api/admin/change");
        post.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(post)).StatusCode);
    }

    [Fact]
    public async Task AdminRoutesAdmitAnAdminAndStillRequireTheCsrfToken()
    {
        var csrf = await LoginAsync(_http, "root", "toor");
        Assert.Equal("pong", await _http.GetStringAsync("/api/admin/ping"));
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.PostAsync("/api/admin/change", null)).StatusCode);
        var post = new HttpRequestMessage(HttpMethod.Post, "/api/admin/change");
        post.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal("changed", await (await _http.SendAsync(post)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoginReservesAThrottleAttemptForTheClientAddressAndAccountBeforeCheckingThePassword()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.PostAsJsonAsync("/api/login", new { user = "motriles", password = "bad" })).StatusCode);
        await LoginAsync(_http, "motriles", "jose");
        Assert.Equal([(IPAddress.Loopback, "motriles"), (IPAddress.Loopback, "motriles")], _throttle.Begun.Select(b => (b.Address!.IsIPv4MappedToIPv6 ? b.Address.MapToIPv4() : b.Address, b.Account)));
        Assert.Equal([false, true], _throttle.Completed);
        Assert.Equal(2, _accounts.Checks);
    }

    [Fact]
    public async Task ALockedOutLoginFailsLikeAWrongPasswordWithoutCheckingIt()
    {
        var wrong = await _http.PostAsJsonAsync("/api/login", new { user = "motriles", password = "bad" });
        _throttle.Refuse = true;
        var locked = await _http.PostAsJsonAsync("/api/login", new { user = "motriles", password = "jose" });
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await locked.Content.ReadAsStringAsync());
        Assert.Equal(1, _accounts.Checks);
        Assert.Single(_throttle.Completed);
    }

    [Fact]
    public async Task ThePop3LockRefusesDeletesWith409ButNotBrowsing()
    {
        var id = _store.Add("motriles", "From: a@example.org\r\nSubject: locked\r\n\r\nbody\r\n");
        var csrf = await LoginAsync(_http, "motriles", "jose");
        _store.Lock("motriles");
        using var list = JsonDocument.Parse(await _http.GetStringAsync("/api/messages"));
        Assert.True(list.RootElement.GetProperty("locked").GetBoolean());
        Assert.Equal("locked", list.RootElement.GetProperty("messages")[0].GetProperty("subject").GetString());
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{id}");
        delete.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.Conflict, (await _http.SendAsync(delete)).StatusCode);

        _store.Unlock("motriles");
        var again = new HttpRequestMessage(HttpMethod.Delete, $"/api/messages/{id}");
        again.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(again)).StatusCode);
        Assert.Equal(0L, _store.ListNewest("motriles", long.MaxValue, 10).Total);
        Assert.False(_store.IsLocked("motriles")); // the web released the lock it took for the commit
    }

    [Fact]
    public async Task AnotherUsersMessageIdIsNotFound()
    {
        var id = _store.Add("root", "Subject: private\r\n\r\nroot's mail\r\n");
        await LoginAsync(_http, "motriles", "jose");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/messages/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/messages/{id}/html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/api/messages/{id}/parts/0")).StatusCode);
    }

    [Fact]
    public async Task AnUnqualifiedRecipientIsAUserOfThePrimaryDomainAndTheSenderIsTheUsersAddress()
    {
        var csrf = await LoginAsync(_http, "motriles", "jose");
        var send = new HttpRequestMessage(HttpMethod.Post, "/api/send")
        {
            Content = new FormUrlEncodedContent([new("to", "root"), new("cc", "Someone <someone@remote.example>"), new("subject", "hi"), new("body", "text")]),
        };
        send.Headers.Add("X-CSRF-Token", csrf);
        var response = await _http.SendAsync(send);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["root@fastmail.test", "someone@remote.example"], _submission.Submitted.Select(s => s.Recipient));
        Assert.All(_submission.Submitted, s => Assert.Equal("motriles@fastmail.test", s.Sender));
        var message = _submission.Submitted[0].Message;
        Assert.Contains("To: root@fastmail.test\r\n", message, StringComparison.Ordinal);
        Assert.Contains("From: motriles@fastmail.test\r\n", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message.Replace("\r\n", "", StringComparison.Ordinal)); // CRLF line ends only
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["someone@remote.example"], json.RootElement.GetProperty("undeliverable").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task StaticFilesAreServedByExactNameOnly()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/static/app.js")).StatusCode);
        Assert.Equal("text/javascript", (await _http.GetAsync("/static/app.js")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/static/%2e%2e/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/static/..%2fFastMail.Web.dll")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/static/APP.JS")).StatusCode);
        var paths = StaticFiles.Load().Paths.ToList();
        Assert.Contains("app.html", paths);
        Assert.Contains("login.html", paths);
        Assert.Contains("app.css", paths);
    }
}
