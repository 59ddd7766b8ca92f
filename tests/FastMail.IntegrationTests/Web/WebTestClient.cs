using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FastMail.IntegrationTests.Harness;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FastMail.IntegrationTests.Web;

/// <summary>An HttpClient with a cookie jar against a test server's webmail, and helpers to put mail in a mailbox over SMTP.</summary>
internal sealed class WebTestClient : IDisposable
{
    private readonly HttpClient _http;

    public WebTestClient(int port)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public CookieContainer Cookies { get; }

    public string? Csrf { get; private set; }

    public HttpClient Http => _http;

    public async Task<HttpResponseMessage> LoginAsync(string user, string password)
    {
        var response = await _http.PostAsJsonAsync("/api/login", new { user, password });
        if (response.IsSuccessStatusCode)
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Csrf = json.RootElement.GetProperty("csrf").GetString();
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A non-GET request with the session's CSRF token (unless <paramref name="withCsrf"/> is false).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, bool withCsrf = true)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (withCsrf && Csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", Csrf);
        }

        return _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, bool withCsrf = true) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body), withCsrf);

    public static async Task DeliverAsync(int smtpPort, params MimeMessage[] messages)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None);
        foreach (var message in messages)
        {
            await smtp.SendAsync(message);
        }

        await smtp.DisconnectAsync(quit: true);
    }

    public static MimeMessage Text(string subject, string body, string from = "sender@example.org", string to = "motriles")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to + "@" + TestServer.Domain));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    public static MimeMessage Html(string subject, string html, string? text = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        message.To.Add(MailboxAddress.Parse("motriles@" + TestServer.Domain));
        message.Subject = subject;
        var builder = new BodyBuilder { HtmlBody = html, TextBody = text };
        message.Body = builder.ToMessageBody();
        return message;
    }

    public void Dispose() => _http.Dispose();
}
