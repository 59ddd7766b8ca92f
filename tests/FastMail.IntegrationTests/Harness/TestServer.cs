using FastMail.Configuration;
using FastMail.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// A FastMail server started in-process through the same composition root as `fastmail serve`, on 127.0.0.1 with
/// ports chosen by the OS, a temporary data directory, and cheap password hashing so logins are fast in tests.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string Domain = "fastmail.test";

    private readonly MailServer _server;
    private readonly ILoggerFactory _loggerFactory;

    private TestServer(string dataDirectory, MailServer server, ILoggerFactory loggerFactory)
    {
        DataDirectory = dataDirectory;
        _server = server;
        _loggerFactory = loggerFactory;
    }

    public string DataDirectory { get; }

    public int SmtpPort => _server.SmtpEndPoints[0].Port;

    /// <summary>The server's outbound queue, to watch mail leave.</summary>
    public FastMail.Relay.Queue.OutboundQueue Queue => _server.Queue;

    public int Pop3Port => _server.Pop3EndPoints[0].Port;

    public int SubmissionPort => _server.EndPoints("SMTP submission")[0].Port;

    public int SmtpsPort => _server.EndPoints("SMTPS")[0].Port;

    public int Pop3sPort => _server.EndPoints("POP3S")[0].Port;

    /// <summary>The webmail's HTTP port.</summary>
    public int WebPort => _server.EndPoints("HTTP")[0].Port;

    /// <summary>The bound `/metrics` endpoints: empty unless metrics.listen is set (127.0.0.1:0 picks a free port).</summary>
    public IReadOnlyList<System.Net.IPEndPoint> MetricsEndPoints => _server.MetricsEndPoints;

    /// <summary>The webmail's HTTPS port (only with web.httpsListen set).</summary>
    public int WebHttpsPort => _server.EndPoints("HTTPS")[0].Port;

    /// <summary>Starts a server whose accounts are <paramref name="users"/> (created before it starts, as `fastmail user add` would).</summary>
    public static TestServer Start((string Name, string Password)[] users, params (string Key, string Value)[] overrides) =>
        Start(dataDirectory: null, users, overrides);

    public static TestServer Start(string? dataDirectory, (string Name, string Password)[] users, params (string Key, string Value)[] overrides)
    {
        dataDirectory ??= TempDirectory.Create("it");
        foreach (var (name, password) in users)
        {
            Accounts.AddUser(dataDirectory, name, password);
        }

        var settings = FastMailSettings.From(ConfigLoader.Load(null, Overrides(dataDirectory, overrides), _ => null));
        var loggerFactory = Environment.GetEnvironmentVariable("FASTMAIL_TEST_LOG") is null
            ? NullLoggerFactory.Instance
            : Logging.Create(LogLevel.Debug);
        return new TestServer(dataDirectory, MailServer.Start(settings, loggerFactory), loggerFactory);
    }

    /// <summary>The settings a test server runs with; also used to run the account commands against its data directory.</summary>
    public static List<KeyValuePair<string, string>> Overrides(string dataDirectory, params (string Key, string Value)[] overrides)
    {
        var all = new List<KeyValuePair<string, string>>
        {
            new("dataDirectory", dataDirectory),
            new("hostName", "mail." + Domain),
            new("primaryDomain", Domain),
            new("smtp.listen", "127.0.0.1:0"),
            new("pop3.listen", "127.0.0.1:0"),
            new("smtp.submissionListen", "127.0.0.1:0"),
            new("smtp.smtpsListen", "127.0.0.1:0"),
            new("pop3.pop3sListen", "127.0.0.1:0"),
            new("web.listen", "127.0.0.1:0"),
            new("accounts.pbkdf2Iterations", "4096"),
            new("limits.maxConnectionsPerIp", "1000"),
            new("limits.maxConnectionRatePerIp", "0"),
            new("limits.shutdownGracePeriod", "2s"),
            // No DNS leaves the machine: MX lookups go to a port where nothing answers (a test with MX runs its own server).
            new("relay.dnsServer", "127.0.0.1:9"),
        };
        all.AddRange(overrides.Select(o => new KeyValuePair<string, string>(o.Key, o.Value)));
        return all;
    }

    /// <summary>The tutorial's account.</summary>
    public static readonly (string Name, string Password)[] Motriles = [("motriles", "jose")];

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _loggerFactory.Dispose();
        TempDirectory.DeleteQuietly(DataDirectory);
    }

    public Task StopAsync() => _server.StopAsync();
}
