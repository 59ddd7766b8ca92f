namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// The browser harness itself, against a page served without Kestrel: Chromium starts, types, clicks, runs the page's
/// script, downloads a file and takes a screenshot. When these fail, the webmail tests cannot tell us anything.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserHarnessTests
{
    private const string FormPage = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>harness</title></head>
        <body>
          <form id="greet">
            <label>Name <input id="name" name="name" autocomplete="off"></label>
            <button id="go" type="submit">Greet</button>
          </form>
          <p id="out">waiting</p>
          <a id="file" href="/file.txt" download>file</a>
          <script>
            document.getElementById('greet').addEventListener('submit', e => {
              e.preventDefault();
              setTimeout(() => {
                document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value + '!';
              }, 100);
            });
          </script>
        </body>
        </html>
        """;

    [Fact]
    public async Task ChromiumTypesClicksAndSeesTheTextThePageScriptWrites()
    {
        await using var pages = new StaticPages().Add("/", "text/html; charset=utf-8", FormPage);
        using var browser = ChromiumSession.Start();

        browser.Navigate(pages.Url("/"));
        Assert.Equal("waiting", browser.Text("#out"));
        browser.Type("#name", "Motriles");
        browser.Click("#go");

        browser.WaitForText("#out", "Hello, Motriles!");
        Assert.Equal(pages.Url("/"), browser.Url);
    }

    [Fact]
    public async Task ChromiumDownloadsAnAttachmentIntoTheSessionDownloadDirectory()
    {
        await using var pages = new StaticPages()
            .Add("/", "text/html; charset=utf-8", FormPage)
            .Add("/file.txt", "text/plain", "attachment bytes\n", "Content-Disposition: attachment; filename=\"notes.txt\"\r\n");
        using var browser = ChromiumSession.Start();

        browser.Navigate(pages.Url("/"));
        browser.Click("#file");

        var saved = browser.WaitForDownload("notes.txt");
        Assert.Equal("attachment bytes\n", await File.ReadAllTextAsync(saved));
    }

    // PNG 5.2: the eight signature bytes (a u8 literal would encode 0x89 as two UTF-8 bytes).
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task PhoneWidthSessionHasANarrowViewportAndScreenshotsArePng()
    {
        await using var pages = new StaticPages().Add("/", "text/html; charset=utf-8", FormPage);
        using var browser = ChromiumSession.Start(ChromiumSession.Phone);
        using var shots = new TempDirectory("shots");

        browser.Navigate(pages.Url("/"));
        var viewport = Convert.ToInt64(browser.Script("return window.innerWidth;"), System.Globalization.CultureInfo.InvariantCulture);
        var path = shots.File("phone.png");
        browser.Screenshot(path);

        Assert.Equal(ChromiumSession.Phone.Width, viewport);
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.AsSpan().StartsWith(PngSignature), "a screenshot is a PNG file");
    }

    [Fact]
    public void MissingChromiumFailsWithTheInstallCommandInsteadOfSkipping()
    {
        var previous = Environment.GetEnvironmentVariable("FASTMAIL_CHROMIUM");
        Environment.SetEnvironmentVariable("FASTMAIL_CHROMIUM", "/nonexistent/chromium");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => ChromiumSession.Start());
            Assert.Contains("scripts/install-deps", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASTMAIL_CHROMIUM", previous);
        }
    }
}
