using System.Net;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests.Web;

/// <summary>web.httpsListen: the webmail over TLS with the mail listeners' certificate, and a Secure session cookie.</summary>
public sealed class WebHttpsTests
{
    [Fact]
    public async Task OverHttpsTheSessionCookieIsSecureAndTheCertificateIsTheMailServers()
    {
        await using var server = TestServer.Start(TestServer.Motriles, ("web.httpsListen", "127.0.0.1:0"));
        string? subject = null;
        using var handler = new HttpClientHandler
        {
            UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                subject = certificate?.Subject;
                return true;
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{server.WebHttpsPort}") };
        var response = await http.PostAsync("/api/login", new StringContent("{\"user\":\"motriles\",\"password\":\"jose\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("mail." + TestServer.Domain, subject, StringComparison.Ordinal);
    }
}
