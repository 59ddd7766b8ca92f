using System.Net;
using FastMail.Storage;
using FastMail.Hosting;
using Microsoft.Extensions.Logging;

namespace FastMail.Configuration;

/// <summary>
/// The validated configuration of one server: each section bound once into the options its component takes, every
/// value parsed and range-checked there (errors name the key and where the value came from). Built only through <see cref="From"/>.
/// </summary>
internal sealed class FastMailSettings
{
    /// <summary>Name in the greeting and Received headers; also the name of a self-signed certificate.</summary>
    public required string HostName { get; init; }

    /// <summary>Absolute path of the data directory.</summary>
    public required string DataDirectory { get; init; }

    public required LogLevel LogLevel { get; init; }

    public required LogFormat LogFormat { get; init; }

    public required SmtpSection Smtp { get; init; }

    public required Pop3Section Pop3 { get; init; }

    public required LimitsSection Limits { get; init; }

    public required TlsSection Tls { get; init; }

    public required AccountsSection Accounts { get; init; }

    public required StorageOptions Storage { get; init; }

    public required RelaySection Relay { get; init; }

    /// <summary>The configuration file the server was started with (the admin pages write the relay switch there), or null.</summary>
    public string? ConfigFile { get; init; }

    public required WebSection Web { get; init; }

    /// <summary>Where the Prometheus endpoint listens; empty = metrics off.</summary>
    public IReadOnlyList<IPEndPoint> MetricsListen { get; init; } = [];

    public static FastMailSettings From(ConfigValues values)
    {
        var hostName = values.Get(ConfigKeys.HostName).Trim().Length > 0 ? ValueParsers.DomainName(values, ConfigKeys.HostName) : SystemHostName();
        var dataDirectory = DataDirectoryOf(values);
        return new FastMailSettings
        {
            HostName = hostName,
            DataDirectory = dataDirectory,
            LogLevel = ParseLogLevel(values),
            LogFormat = ParseLogFormat(values),
            Smtp = SmtpSection.Bind(values, hostName),
            Pop3 = Pop3Section.Bind(values, hostName),
            Limits = LimitsSection.Bind(values),
            Accounts = AccountsSection.Bind(values, dataDirectory),
            Storage = StorageSection.Bind(values, dataDirectory),
            Tls = TlsSection.Bind(values),
            Relay = RelaySection.Bind(values, hostName),
            ConfigFile = values.FilePath,
            Web = WebSection.Bind(values),
            MetricsListen = ValueParsers.EndPoints(values, ConfigKeys.MetricsListen),
        };
    }

    private static string DataDirectoryOf(ConfigValues values)
    {
        var text = values.Get(ConfigKeys.DataDirectory).Trim();
        if (text.Length == 0)
        {
            throw new ConfigException($"{ConfigKeys.DataDirectory.Name} (from {values.SourceOf(ConfigKeys.DataDirectory)}) must not be empty");
        }

        return Path.GetFullPath(text);
    }

    private static LogLevel ParseLogLevel(ConfigValues values) => values.Get(ConfigKeys.LogLevel).Trim().ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" or "info" => LogLevel.Information,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "none" => LogLevel.None,
        _ => throw new ConfigException($"{ConfigKeys.LogLevel.Name} = '{values.Get(ConfigKeys.LogLevel)}' (from {values.SourceOf(ConfigKeys.LogLevel)}) is not valid: expected trace, debug, information, warning, error or none"),
    };

    private static LogFormat ParseLogFormat(ConfigValues values) => values.Get(ConfigKeys.LogFormat).Trim().ToLowerInvariant() switch
    {
        "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        "systemd" => LogFormat.Systemd,
        _ => throw new ConfigException($"{ConfigKeys.LogFormat.Name} = '{values.Get(ConfigKeys.LogFormat)}' (from {values.SourceOf(ConfigKeys.LogFormat)}) is not valid: expected text, json or systemd"),
    };

    private static string SystemHostName()
    {
        try
        {
            var name = Dns.GetHostName();
            return string.IsNullOrWhiteSpace(name) ? "localhost" : name.ToLowerInvariant();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
