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
    public required IReadOnlyList<IPEndPoint> SubmissionListen { get; init; }
    public required IReadOnlyList<IPEndPoint> SmtpsListen { get; init; }
    public required bool SmtpAllowPlaintextAuth { get; init; }
    public required string SmtpLocalSenderPolicy { get; init; }
    public required TimeSpan SmtpGreetingDelay { get; init; }
    public required long SmtpMinDataRate { get; init; }

    public required IReadOnlyList<IPEndPoint> Pop3Listen { get; init; }
    public required IReadOnlyList<IPEndPoint> Pop3sListen { get; init; }
    public required bool Pop3AllowPlaintextAuth { get; init; }
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
    public required bool LoginPenalty { get; init; }
    public required long DefaultQuotaBytes { get; init; }
    public required long StorageMinFreeBytes { get; init; }

    /// <summary>PEM paths; both null means a self-signed certificate in the data directory.</summary>
    public required string? TlsCertificate { get; init; }
    public required string? TlsKey { get; init; }

    public static FastMailSettings From(ConfigValues values)
    {
        var settings = Parse(values);
        if ((settings.TlsCertificate is null) != (settings.TlsKey is null))
        {
            throw new ConfigException($"{ConfigKeys.TlsCertificate.Name} and {ConfigKeys.TlsKey.Name} must be set together (or both left empty for a self-signed certificate)");
        }

        return settings;
    }

    private static FastMailSettings Parse(ConfigValues values)
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
            SubmissionListen = ValueParsers.EndPoints(values, ConfigKeys.SubmissionListen),
            SmtpsListen = ValueParsers.EndPoints(values, ConfigKeys.SmtpsListen),
            SmtpAllowPlaintextAuth = ValueParsers.Boolean(values, ConfigKeys.SmtpAllowPlaintextAuth),
            SmtpLocalSenderPolicy = ValueParsers.OneOf(values, ConfigKeys.SmtpLocalSenderPolicy, "accept", "reject", "acceptAndMark"),
            SmtpGreetingDelay = ValueParsers.Duration(values, ConfigKeys.SmtpGreetingDelay, TimeSpan.Zero, TimeSpan.FromMinutes(5)),
            SmtpMinDataRate = ValueParsers.Size(values, ConfigKeys.SmtpMinDataRate, 0, 1024L * 1024 * 1024),
            Pop3Listen = ValueParsers.EndPoints(values, ConfigKeys.Pop3Listen),
            Pop3sListen = ValueParsers.EndPoints(values, ConfigKeys.Pop3sListen),
            Pop3AllowPlaintextAuth = ValueParsers.Boolean(values, ConfigKeys.Pop3AllowPlaintextAuth),
            Pop3IdleTimeout = ValueParsers.Duration(values, ConfigKeys.Pop3IdleTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
            Pop3EnableApop = ValueParsers.Boolean(values, ConfigKeys.Pop3EnableApop),
            Pop3MaxErrors = ValueParsers.Integer(values, ConfigKeys.Pop3MaxErrors, 1, 1000),
            MaxConnections = ValueParsers.Integer(values, ConfigKeys.MaxConnections, 1, 1_000_000),
            MaxConnectionsPerIp = ValueParsers.Integer(values, ConfigKeys.MaxConnectionsPerIp, 1, 1_000_000),
            MaxConnectionRatePerIp = ValueParsers.Integer(values, ConfigKeys.MaxConnectionRatePerIp, 0, 1_000_000),
            ShutdownGracePeriod = ValueParsers.Duration(values, ConfigKeys.ShutdownGracePeriod, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            AllowRelay = ValueParsers.Boolean(values, ConfigKeys.AllowRelay),
            TrustedNetworks = ValueParsers.Networks(values, ConfigKeys.TrustedNetworks),
            Pbkdf2Iterations = ValueParsers.Integer(values, ConfigKeys.Pbkdf2Iterations, 4096, 100_000_000),
            LoginPenalty = ValueParsers.Boolean(values, ConfigKeys.LoginPenalty),
            DefaultQuotaBytes = ValueParsers.Size(values, ConfigKeys.DefaultQuota, 0, long.MaxValue),
            StorageMinFreeBytes = ValueParsers.Size(values, ConfigKeys.StorageMinFreeSpace, 0, long.MaxValue),
            TlsCertificate = ValueParsers.OptionalPath(values, ConfigKeys.TlsCertificate),
            TlsKey = ValueParsers.OptionalPath(values, ConfigKeys.TlsKey),
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
