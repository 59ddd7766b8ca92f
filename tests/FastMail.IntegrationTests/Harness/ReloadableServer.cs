using System.Text.Json.Nodes;
using FastMail.Configuration;
using FastMail.Hosting;
using FastMail.Hosting.Reload;
using Microsoft.Extensions.Logging;

namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// An in-process server started from a JSON configuration file plus the test server's --set values, with the
/// <see cref="ConfigReloader"/> `serve` builds: a test rewrites the file and calls <see cref="Reload"/>, exactly what
/// the SIGHUP handler calls. The keys the tests change live in the file (--set would override them).
/// </summary>
internal sealed class ReloadableServer : IAsyncDisposable
{
    private readonly MailServer _server;
    private readonly ILoggerFactory _loggerFactory;

    private ReloadableServer(string directory, string configFile, MailServer server, ConfigReloader reloader, ILoggerFactory loggerFactory, LogRecorder log)
    {
        Directory = directory;
        ConfigFile = configFile;
        _server = server;
        Reloader = reloader;
        _loggerFactory = loggerFactory;
        Log = log;
    }

    /// <summary>Holds the data directory (data/), the configuration file and any certificate files.</summary>
    public string Directory { get; }

    public string ConfigFile { get; }

    public ConfigReloader Reloader { get; }

    public LogRecorder Log { get; }

    public int SmtpPort => _server.SmtpEndPoints[0].Port;

    public int SmtpsPort => _server.EndPoints("SMTPS")[0].Port;

    /// <summary>The webmail's HTTPS port (only with web.httpsListen in the file).</summary>
    public int WebHttpsPort => _server.EndPoints("HTTPS")[0].Port;

    public static ReloadableServer Start(JsonObject file)
    {
        var directory = TempDirectory.Create("reload");
        var dataDirectory = Path.Combine(directory, "data");
        Accounts.AddUser(dataDirectory, "motriles", "jose");
        var configFile = Path.Combine(directory, "fastmail.json");
        File.WriteAllText(configFile, file.ToJsonString());

        // The test server's settings, less those the file sets (a --set value would hide the file's).
        var inFile = KeysOf(file, "").ToHashSet(StringComparer.Ordinal);
        var overrides = TestServer.Overrides(dataDirectory).Where(o => !inFile.Contains(o.Key)).ToList();
        ConfigValues Load() => ConfigLoader.Load(configFile, overrides, _ => null);
        var log = new LogRecorder();
        var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        var values = Load();
        var server = MailServer.Start(FastMailSettings.From(values), loggerFactory);
        var reloader = new ConfigReloader(Load, values, server, loggerFactory);
        return new ReloadableServer(directory, configFile, server, reloader, loggerFactory, log);
    }

    private static IEnumerable<string> KeysOf(JsonObject section, string prefix) =>
        section.SelectMany(property => property.Value is JsonObject inner
            ? KeysOf(inner, prefix + property.Key + ".")
            : [prefix + property.Key]);

    /// <summary>Replaces the configuration file (whole, as an editor would).</summary>
    public void Rewrite(JsonObject file) => File.WriteAllText(ConfigFile, file.ToJsonString());

    public ReloadResult Reload() => Reloader.Reload();

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _loggerFactory.Dispose();
        TempDirectory.DeleteQuietly(Directory);
    }
}

/// <summary>Keeps every formatted log message, so a test can look for "applied" or "needs a restart".</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
