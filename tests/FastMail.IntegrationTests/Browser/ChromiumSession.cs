using System.Collections.ObjectModel;
using System.Text;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace FastMail.IntegrationTests.Browser;

/// <summary>
/// A headless Chromium driven by ChromeDriver over WebDriver: Debian's <c>chromium</c> and <c>chromium-driver</c>
/// (scripts/install-deps), never a downloaded browser. Each session has its own profile and download directory,
/// both deleted at dispose, so sessions share no cookies, cache or storage.
/// </summary>
/// <remarks>
/// Selenium Manager (the bundled binary that looks up and downloads drivers) is never consulted: the driver path and
/// the browser path are both given, and SE_OFFLINE keeps it from the network should a future Selenium call it anyway.
/// A missing browser or driver fails the test with the command that installs it; browser tests never skip.
/// </remarks>
internal sealed class ChromiumSession : IDisposable
{
    /// <summary>The desktop window the screenshots in docs/screenshots are taken at.</summary>
    public static readonly (int Width, int Height) Desktop = (1280, 900);

    /// <summary>A phone-width window (an iPhone 12-15 viewport in CSS pixels), for the narrow layout.</summary>
    public static readonly (int Width, int Height) Phone = (390, 844);

    /// <summary>How long <see cref="WaitFor"/> waits unless told: generous for two shared cores, short enough to fail a hang quickly.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly ChromeDriverService _service;
    private readonly ChromeDriver _driver;
    private readonly string _profileDirectory;

    private ChromiumSession(ChromeDriverService service, ChromeDriver driver, string profileDirectory, string downloadDirectory)
    {
        _service = service;
        _driver = driver;
        _profileDirectory = profileDirectory;
        DownloadDirectory = downloadDirectory;
    }

    /// <summary>Where the browser saves downloads (no prompt).</summary>
    public string DownloadDirectory { get; }

    /// <summary>The underlying driver, for what the helpers do not cover.</summary>
    public IWebDriver Driver => _driver;

    public string Url => _driver.Url;

    public static string BrowserPath => Environment.GetEnvironmentVariable("FASTMAIL_CHROMIUM") ?? "/usr/bin/chromium";

    public static string DriverPath => Environment.GetEnvironmentVariable("FASTMAIL_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    /// <summary>Starts ChromeDriver and a headless Chromium with a window of <paramref name="window"/> (default <see cref="Desktop"/>).</summary>
    public static ChromiumSession Start((int Width, int Height)? window = null)
    {
        RequireExecutable(BrowserPath, "chromium");
        RequireExecutable(DriverPath, "chromium-driver");

        // Belt and braces: no statistics and no network from Selenium Manager even if some code path reaches it.
        Environment.SetEnvironmentVariable("SE_AVOID_STATS", "true");
        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");

        var (width, height) = window ?? Desktop;
        var profile = TempDirectory.Create("chromium-profile");
        var downloads = TempDirectory.Create("chromium-downloads");

        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox", // root in containers: the setuid/namespace sandbox is unavailable
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage", // small /dev/shm in containers crashes renderers
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--password-store=basic",
            $"--user-data-dir={profile}",
            $"--window-size={width},{height}");
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        options.AddUserProfilePreference("download.directory_upgrade", true);
        options.AddUserProfilePreference("safebrowsing.enabled", false);
        options.AddUserProfilePreference("plugins.always_open_pdf_externally", true); // a PDF link downloads, as a test expects
        options.AddUserProfilePreference("credentials_enable_service", false);
        options.AddUserProfilePreference("profile.password_manager_enabled", false);

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        service.LogPath = Path.Combine(profile, "chromedriver.log");

        ChromeDriver driver;
        try
        {
            driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }
        catch
        {
            service.Dispose();
            TempDirectory.DeleteQuietly(profile);
            TempDirectory.DeleteQuietly(downloads);
            throw;
        }

        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(15);
        // The window size flag sets the outer size in headless mode too; make the viewport what the caller asked for.
        driver.Manage().Window.Size = new System.Drawing.Size(width, height);
        return new ChromiumSession(service, driver, profile, downloads);
    }

    private static void RequireExecutable(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Browser tests need {path} (Debian package '{package}'). Install it with scripts/install-deps " +
                $"(apt-get install -y chromium chromium-driver), or point FASTMAIL_CHROMIUM / FASTMAIL_CHROMEDRIVER at another copy.");
        }
    }

    public void Navigate(string url) => _driver.Navigate().GoToUrl(url);

    /// <summary>Waits until an element matching <paramref name="css"/> is displayed and returns it.</summary>
    public IWebElement WaitFor(string css, TimeSpan? timeout = null)
    {
        IWebElement? found = null;
        Until(() =>
        {
            found = _driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed);
            return found is not null;
        }, $"an element '{css}' to be displayed", timeout);
        return found!;
    }

    /// <summary>Waits until no displayed element matches <paramref name="css"/>.</summary>
    public void WaitForGone(string css, TimeSpan? timeout = null) =>
        Until(() => !_driver.FindElements(By.CssSelector(css)).Any(e => e.Displayed), $"no element '{css}' to be displayed", timeout);

    /// <summary>Waits until the text of the element matching <paramref name="css"/> contains <paramref name="text"/>.</summary>
    public IWebElement WaitForText(string css, string text, TimeSpan? timeout = null)
    {
        IWebElement? found = null;
        Until(() =>
        {
            found = _driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed && e.Text.Contains(text, StringComparison.Ordinal));
            return found is not null;
        }, $"an element '{css}' containing \"{text}\"", timeout);
        return found!;
    }

    /// <summary>Waits for <paramref name="condition"/>; on timeout fails with what was awaited and what the page showed.</summary>
    public void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(_driver, timeout ?? DefaultTimeout) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        try
        {
            wait.Until(_ => condition());
        }
        catch (WebDriverTimeoutException)
        {
            throw new TimeoutException($"Waited {(timeout ?? DefaultTimeout).TotalSeconds:0.#}s for {what}. {Describe()}");
        }
    }

    public void Click(string css) => WaitFor(css).Click();

    /// <summary>Clears the field matching <paramref name="css"/> and types <paramref name="text"/> into it, as a user would.</summary>
    public void Type(string css, string text)
    {
        var field = WaitFor(css);
        field.Clear();
        field.SendKeys(text);
    }

    public string Text(string css) => WaitFor(css).Text;

    public ReadOnlyCollection<IWebElement> FindAll(string css) => _driver.FindElements(By.CssSelector(css));

    public object? Script(string script, params object[] args) => _driver.ExecuteScript(script, args);

    /// <summary>Saves a PNG of the viewport to <paramref name="path"/>, creating its directory.</summary>
    public void Screenshot(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _driver.GetScreenshot().SaveAsFile(path);
    }

    /// <summary>Waits until <paramref name="fileName"/> is completely downloaded and returns its path.</summary>
    public string WaitForDownload(string fileName, TimeSpan? timeout = null)
    {
        var path = Path.Combine(DownloadDirectory, fileName);
        // Chromium writes "name.crdownload" and renames it over the final name when done; it may create the final name
        // empty beforehand as a reservation (seen in CI: the file read "" once), so complete = the final name with no
        // .crdownload left beside it.
        Until(() => File.Exists(path) && !Directory.EnumerateFiles(DownloadDirectory, "*.crdownload").Any(), $"the download '{fileName}' in {DownloadDirectory} (has: {string.Join(", ", Directory.GetFiles(DownloadDirectory).Select(Path.GetFileName))})", timeout);
        return path;
    }

    /// <summary>The page as the failure message shows it: address, title and the start of the visible text.</summary>
    public string Describe()
    {
        var description = new StringBuilder();
        try
        {
            description.Append("Page ").Append(_driver.Url).Append(" \"").Append(_driver.Title).Append('"');
            var body = _driver.FindElements(By.TagName("body")).FirstOrDefault()?.Text ?? "";
            description.Append(" shows: ").Append(body.Length > 600 ? body[..600] + "…" : body);
        }
        catch (WebDriverException e)
        {
            description.Append("(page not readable: ").Append(e.Message).Append(')');
        }

        return description.ToString();
    }

    public void Dispose()
    {
        try
        {
            _driver.Quit();
        }
        finally
        {
            _driver.Dispose();
            _service.Dispose();
            TempDirectory.DeleteQuietly(_profileDirectory);
            TempDirectory.DeleteQuietly(DownloadDirectory);
        }
    }
}
