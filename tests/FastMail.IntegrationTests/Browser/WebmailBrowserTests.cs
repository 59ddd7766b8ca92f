using System.Text;
using FastMail.IntegrationTests.Harness;
using OpenQA.Selenium;

namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// The webmail in Chromium against an in-process server: mail sent over SMTP shows up in the inbox, opens, its
/// attachment downloads, deleting it in the browser removes it for POP3 too, and mail composed in the browser arrives
/// in another mailbox over POP3. Element ids are the ones in src/FastMail.Web/wwwroot (login.html, app.html).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebmailBrowserTests : IAsyncLifetime
{
    private static readonly (string Name, string Password)[] Users = [("motriles", "jose"), ("amelia", "s3cret-amelia")];

    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(Users);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Web(string path) => $"http://127.0.0.1:{_server.WebPort}{path}";

    private void LogIn(ChromiumSession browser, string user, string password)
    {
        browser.Navigate(Web("/"));
        browser.WaitFor("#login-form");
        Assert.EndsWith("/login", new Uri(browser.Url).AbsolutePath, StringComparison.Ordinal);
        browser.Type("#user", user);
        browser.Type("#password", password);
        browser.Click("#login-button");
        browser.WaitFor("#view-inbox");
        browser.WaitForText("#who", user);
    }

    /// <summary>The inbox row whose text contains <paramref name="subject"/>, once the list shows it.</summary>
    private static IWebElement Row(ChromiumSession browser, string subject) => browser.WaitForText("#messages tr", subject);

    [Fact]
    public void WrongPasswordShowsAnErrorAndStaysOnTheLoginPage()
    {
        using var browser = ChromiumSession.Start();
        browser.Navigate(Web("/login"));
        browser.Type("#user", "motriles");
        browser.Type("#password", "not-jose");
        browser.Click("#login-button");

        browser.WaitForText("#login-error", "Wrong user name or password");
        Assert.EndsWith("/login", new Uri(browser.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageSentOverSmtpArrivesOpensDownloadsItsAttachmentAndIsDeletedForPop3Too()
    {
        // Binary (every byte value, base64 on the wire): the download must be the attachment byte for byte. A text/*
        // attachment would come back with CRLF line ends, as MIME canonical form requires (RFC 2045 6.8).
        var attachment = Encoding.ASCII.GetBytes("%PDF-1.4\n").Concat(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))).ToArray();
        await MailClients.SendAsync(_server, MailClients.Message("Ana Lucía", "ana@example.org", "motriles", "Lunch on Friday?", "Tapas at noon?"));
        await MailClients.SendAsync(_server, MailClients.Message("Build bot", "ci@example.net", "motriles", "Nightly build passed", "All 1432 tests passed."));
        using var browser = ChromiumSession.Start();
        LogIn(browser, "motriles", "jose");
        Row(browser, "Lunch on Friday?");

        // The inbox is open when the mail comes in: it shows up without logging in again.
        await MailClients.SendAsync(_server, MailClients.Message(
            "Jordi Puig", "jordi@example.org", "motriles", "Quarterly figures",
            "Hello Motriles,\n\nthe figures for the third quarter are attached.\n\nJordi", ("q3-figures.pdf", attachment)));
        var row = RowAfterRefresh(browser, "Quarterly figures");
        Assert.Contains("Jordi Puig", row.Text, StringComparison.Ordinal);
        Screenshots.Save(browser, "inbox.png");

        row.Click();
        browser.WaitForText("#m-subject", "Quarterly figures");
        browser.WaitForText("#m-text", "the figures for the third quarter are attached.");
        Assert.Contains("jordi@example.org", browser.Text("#m-from"), StringComparison.Ordinal);
        browser.WaitForText("#m-attachments", "q3-figures.pdf");
        Screenshots.Save(browser, "message.png");

        browser.WaitForText("#m-attachments a", "q3-figures.pdf").Click();
        var saved = browser.WaitForDownload("q3-figures.pdf");
        Assert.Equal(attachment, await File.ReadAllBytesAsync(saved));

        browser.Click("#delete-message");
        browser.WaitFor("#view-inbox");
        browser.Until(() => !browser.FindAll("#messages tr").Any(r => r.Text.Contains("Quarterly figures", StringComparison.Ordinal)),
            "the deleted message to leave the inbox");
        Row(browser, "Lunch on Friday?");

        var left = await MailClients.Pop3MessagesAsync(_server, "motriles", "jose");
        Assert.Equal(["Lunch on Friday?", "Nightly build passed"], left.Select(m => m.Subject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MessageComposedInTheBrowserArrivesInAnotherMailboxOverPop3()
    {
        using var browser = ChromiumSession.Start();
        LogIn(browser, "motriles", "jose");

        browser.Click("#nav-compose");
        browser.Type("#c-to", "amelia@" + TestServer.Domain);
        browser.Type("#c-subject", "Sent from the webmail");
        browser.Type("#c-body", "Written in Chromium,\nread over POP3.");
        browser.Click("#send");
        // After a send the app goes back to the inbox (its "Sent to" notice is cleared by the inbox load at once).
        browser.WaitForGone("#view-compose");
        browser.WaitFor("#view-inbox");

        // Local delivery is done when the send request answers; poll briefly anyway in case it is queued.
        var received = await MailClients.Pop3MessagesAsync(_server, "amelia", "s3cret-amelia");
        for (var attempt = 0; received.Count == 0 && attempt < 50; attempt++)
        {
            await Task.Delay(100);
            received = await MailClients.Pop3MessagesAsync(_server, "amelia", "s3cret-amelia");
        }

        var message = Assert.Single(received);
        Assert.Equal("Sent from the webmail", message.Subject);
        Assert.Equal("motriles@" + TestServer.Domain, message.From.Mailboxes.Single().Address);
        Assert.Contains("read over POP3.", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void LogOutEndsTheSessionAndTheInboxAsksForALoginAgain()
    {
        using var browser = ChromiumSession.Start();
        LogIn(browser, "motriles", "jose");

        browser.Click("#logout");
        browser.WaitFor("#login-form");
        browser.Navigate(Web("/"));

        browser.WaitFor("#login-form");
        Assert.EndsWith("/login", new Uri(browser.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptInAnHtmlMessageDoesNotRunInTheBrowser()
    {
        // A real browser is where an XSS would fire: inline script and an onerror handler in an HTML body. The body
        // shows in a sandboxed frame (no allow-scripts) under a CSP; neither may run.
        var message = MailClients.Message("Mallory", "mallory@example.org", "motriles", "Innocent newsletter", "plain part");
        var body = new MimeKit.BodyBuilder
        {
            TextBody = "plain part",
            // Each payload marks its own document when it runs (a sandboxed frame could not reach the parent anyway,
            // so only a mark in the frame itself would show that script ran).
            HtmlBody = """
                <p id="visible">Hello from the newsletter</p>
                <p id="script-mark">clean</p><p id="onerror-mark">clean</p>
                <script>document.getElementById('script-mark').textContent = 'ran'; parent.document.title = 'pwned';</script>
                <img src="x" onerror="document.getElementById('onerror-mark').textContent = 'ran'">
                """,
        };
        message.Body = body.ToMessageBody();
        await MailClients.SendAsync(_server, message);
        using var browser = ChromiumSession.Start();
        LogIn(browser, "motriles", "jose");
        var title = browser.Driver.Title;

        Row(browser, "Innocent newsletter").Click();
        browser.WaitForText("#m-subject", "Innocent newsletter");
        var frame = browser.WaitFor("#m-html");
        browser.Driver.SwitchTo().Frame(frame);
        browser.WaitForText("#visible", "Hello from the newsletter");
        await Task.Delay(500); // give an onerror handler time to fire, were it allowed to
        Assert.Equal("clean", browser.Text("#script-mark"));
        Assert.Equal("clean", browser.Text("#onerror-mark"));
        browser.Driver.SwitchTo().DefaultContent();

        Assert.Equal(title, browser.Driver.Title);
        Assert.EndsWith("/", new Uri(browser.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboxFitsAPhoneWidthScreen()
    {
        await MailClients.SendAsync(_server, MailClients.Message("Ana Lucía", "ana@example.org", "motriles", "Lunch on Friday?", "Tapas at noon?"));
        using var browser = ChromiumSession.Start(ChromiumSession.Phone);
        LogIn(browser, "motriles", "jose");
        Row(browser, "Lunch on Friday?");

        var overflow = Convert.ToInt64(browser.Script("return document.documentElement.scrollWidth - window.innerWidth;"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(overflow <= 0, $"the inbox scrolls sideways by {overflow}px on a {ChromiumSession.Phone.Width}px screen");
        Screenshots.Save(browser, "inbox-phone.png");
    }

    /// <summary>Waits for the row, reloading the list the way a user would if the page does not refresh by itself.</summary>
    private static IWebElement RowAfterRefresh(ChromiumSession browser, string subject)
    {
        IWebElement? row = null;
        var deadline = DateTime.UtcNow + ChromiumSession.DefaultTimeout;
        while (row is null)
        {
            try
            {
                row = browser.WaitForText("#messages tr", subject, TimeSpan.FromSeconds(3));
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                browser.Driver.Navigate().Refresh();
            }
        }

        return row;
    }
}
