using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.IntegrationTests.Harness;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// The web administration in Chromium: an admin reaches it from the webmail, adds a user who can then log in over
/// POP3, and watches an SMTP transcript line appear live (server-sent events). Element ids are the ones in
/// src/FastMail.Web/Admin/wwwroot (admin.html).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminBrowserTests : IAsyncLifetime
{
    private const string Admin = "postmaster";
    private const string AdminPassword = "admin-pw-1";

    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        var dataDirectory = TempDirectory.Create("it");
        Harness.Accounts.AddUser(dataDirectory, Admin, AdminPassword);
        var settings = FastMailSettings.From(ConfigLoader.Load(null, TestServer.Overrides(dataDirectory), _ => null));
        var result = new AccountAdmin(settings.Accounts.Options).SetAdmin(Admin, true);
        Assert.True(result.Succeeded, result.Message);
        _server = TestServer.Start(dataDirectory, TestServer.Motriles);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Web(string path) => $"http://127.0.0.1:{_server.WebPort}{path}";

    private void LogIn(ChromiumSession browser, string user, string password)
    {
        browser.Navigate(Web("/login"));
        browser.Type("#user", user);
        browser.Type("#password", password);
        browser.Click("#login-button");
        browser.WaitFor("#view-inbox");
    }

    [Fact]
    public async Task AdminAddsAUserWhoThenLogsInOverPop3()
    {
        using var browser = ChromiumSession.Start();
        LogIn(browser, Admin, AdminPassword);
        browser.Click("#nav-admin");
        browser.WaitFor("#tabs");
        browser.Click("#tabs button[data-tab=users]");
        browser.WaitForText("#user-list", "motriles");

        browser.Type("#user-add input[name=name]", "carol");
        browser.Type("#user-add input[name=password]", "carol-pw-7");
        browser.Click("#user-add button");
        browser.WaitForText("#user-list tr", "carol");
        Screenshots.Save(browser, "admin.png");

        // The running server picks accounts.json changes up within accounts.reloadCheckInterval (1 s by default).
        Assert.Equal(0, await Pop3CountAsync("carol", "carol-pw-7", within: TimeSpan.FromSeconds(5)));
    }

    private async Task<int> Pop3CountAsync(string user, string password, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            using var pop = new Pop3Client();
            await pop.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.None);
            try
            {
                await pop.AuthenticateAsync(user, password);
            }
            catch (AuthenticationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                continue;
            }

            var count = await pop.GetMessageCountAsync();
            await pop.DisconnectAsync(quit: true);
            return count;
        }
    }

    [Fact]
    public async Task AdminWatchesAnSmtpTranscriptLineAppear()
    {
        using var browser = ChromiumSession.Start();
        LogIn(browser, Admin, AdminPassword);
        browser.Navigate(Web("/admin"));
        browser.Click("#tabs button[data-tab=transcripts]");
        browser.Click("#transcript-toggle");
        browser.WaitForText("#transcript-state", "Watching SMTP");

        await MailClients.SendAsync(_server, MailClients.Message("Ana Lucía", "ana@example.org", "motriles", "Watched", "Seen live."));

        browser.WaitForText("#transcript-log", "MAIL FROM:<ana@example.org>");
        browser.WaitForText("#transcript-log", "queued as");
        Screenshots.Save(browser, "admin-transcripts.png");
    }

    [Fact]
    public void UserWithoutTheAdminRoleSeesNoAdminLinkAndGetsNoAdminData()
    {
        using var browser = ChromiumSession.Start();
        LogIn(browser, "motriles", "jose");
        Assert.False(browser.FindAll("#nav-admin").Single().Displayed, "the Admin link is hidden from a user who is not an admin");

        // The page's own session asks the admin API, as a curious user's console would.
        var status = ((OpenQA.Selenium.IJavaScriptExecutor)browser.Driver).ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; fetch('/api/admin/users').then(r => done(r.status), e => done(String(e)));");
        Assert.Equal(403L, status);
    }
}
