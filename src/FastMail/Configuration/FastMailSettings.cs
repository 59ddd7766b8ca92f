using System.Net;
using Microsoft.Extensions.Logging;

namespace FastMail.Configuration;

/// <summary>The validated, typed configuration of one server. Built only through <see cref="From"/>, which checks every key.</summary>
internal sealed class FastMailSettings
{
    public required string HostName { get; init; }
    public required string PrimaryDomain { get; init; }
    public required string DataDirectory { get; init; }
    public required LogLevel LogLevel { get; init; }

    public required IReadOnlyList<IPEndPoint> SmtpListen { get; init; }
    public required long SmtpMaxMessageSize { get; init; }
    public required int SmtpMaxRecipients { get; init; }
    public required int SmtpMaxErrors { get; init; }
    public required TimeSpan SmtpCommandTimeout { get; init; }
    public required TimeSpan SmtpDataTimeout { get; init; }
    public required bool SmtpStrictAddresses { get; init; }

    public required IReadOnlyList<IPEndPoint> Pop3Listen { get; init; }
    public required TimeSpan Pop3IdleTimeout { get; init; }
    public required bool Pop3EnableApop { get; init; }
    public required int Pop3MaxErrors { get; init; }

    public required int MaxConnections { get; init; }
    public required int MaxConnectionsPerIp { get; init; }
    public required int MaxConnectionRatePerIp { get; init; }
    public required TimeSpan ShutdownGracePeriod { get; init; }

    public required bool AllowRelay { get; init; }
    public required IReadOnlyList<IPNetwork> TrustedNetworks { get; init; }

    public required int Pbkdf2Iterations { get; init; }

    public static FastMailSettings From(ConfigValues values)
    {
        var hostName = values.Get(ConfigKeys.HostName).Trim();
        return new FastMailSettings
        {
            HostName = hostName.Length > 0 ? ValueParsers.DomainName(values, ConfigKeys.HostName) : SystemHostName(),
            PrimaryDomain = ValueParsers.DomainName(values, ConfigKeys.PrimaryDomain),
            DataDirectory = DataDirectoryOf(values),
            LogLevel = ParseLogLevel(values),
            SmtpListen = ValueParsers.EndPoints(values, ConfigKeys.SmtpListen),
            SmtpMaxMessageSize = ValueParsers.Size(values, ConfigKeys.SmtpMaxMessageSize, 1024, 2L * 1024 * 1024 * 1024),
            SmtpMaxRecipients = ValueParsers.Integer(values, ConfigKeys.SmtpMaxRecipients, 1, 100_000),
            SmtpMaxErrors = ValueParsers.Integer(values, ConfigKeys.SmtpMaxErrors, 1, 1000),
            SmtpCommandTimeout = ValueParsers.Duration(values, ConfigKeys.SmtpCommandTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            SmtpDataTimeout = ValueParsers.Duration(values, ConfigKeys.SmtpDataTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            SmtpStrictAddresses = ValueParsers.Boolean(values, ConfigKeys.SmtpStrictAddresses),
            Pop3Listen = ValueParsers.EndPoints(values, ConfigKeys.Pop3Listen),
            Pop3IdleTimeout = ValueParsers.Duration(values, ConfigKeys.Pop3IdleTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
            Pop3EnableApop = ValueParsers.Boolean(values, ConfigKeys.Pop3EnableApop),
            Pop3MaxErrors = ValueParsers.Integer(values, ConfigKeys.Pop3MaxErrors, 1, 1000),
            MaxConnections = ValueParsers.Integer(values, ConfigKeys.MaxConnections, 1, 1_000_000),
            MaxConnectionsPerIp = ValueParsers.Integer(values, ConfigKeys.MaxConnectionsPerIp, 1, 1_000_000),
            MaxConnectionRatePerIp = ValueParsers.Integer(values, ConfigKeys.MaxConnectionRatePerIp, 0, 1_000_000),
            ShutdownGracePeriod = ValueParsers.Duration(values, ConfigKeys.ShutdownGracePeriod, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            AllowRelay = ValueParsers.Boolean(values, ConfigKeys.AllowRelay),
            TrustedNetworks = ValueParsers.Networks(values, ConfigKeys.TrustedNetworks),
            Pbkdf2Iterations = ValueParsers.Integer(values, ConfigKeys.Pbkdf2Iterations, 1000, 100_000_000),
        };
    }

    /// <summary>Only the data directory, for the account commands, which need nothing else.</summary>
    public static string DataDirectoryOf(ConfigValues values)
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
