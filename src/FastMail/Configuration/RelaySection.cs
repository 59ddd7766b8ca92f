using System.Net;
using FastMail.Relay.Client;
using FastMail.Relay.Queue;
using FastMail.Relay.Routing;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The relay.* and queue.* keys: where outbound mail goes, how the client behaves, and the retry schedule.</summary>
internal sealed class RelaySection
{
    public required RelayRoutes Routes { get; init; }

    public required IPEndPoint? DnsServer { get; init; }

    public required int SmtpPort { get; init; }

    public required RelayClientOptions Client { get; init; }

    public required TlsRequirement TlsRequiredFor { get; init; }

    public required RelayLimits Limits { get; init; }

    public required QueueOptions Queue { get; init; }

    public static RelaySection Bind(ConfigValues values, string hostName)
    {
        var command = Duration(values, ConfigKeys.RelayCommandTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        var data = Duration(values, ConfigKeys.RelayDataTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        return new RelaySection
        {
            Routes = ParseRoutes(values),
            DnsServer = ParseDnsServer(values),
            SmtpPort = Integer(values, ConfigKeys.RelayPort, 1, 65535),
            Client = new RelayClientOptions
            {
                HeloName = hostName,
                ConnectTimeout = Duration(values, ConfigKeys.RelayConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
                GreetingTimeout = command,
                CommandTimeout = command,
                DataInitiationTimeout = Min(command, TimeSpan.FromMinutes(2)),
                DataBlockTimeout = Min(data, TimeSpan.FromMinutes(3)),
                DataTerminationTimeout = Min(data, TimeSpan.FromMinutes(10)),
                RequireTls = Boolean(values, ConfigKeys.RelayRequireTls),
            },
            TlsRequiredFor = ParseTlsRequirement(values),
            Limits = new RelayLimits
            {
                DestinationConcurrency = Integer(values, ConfigKeys.RelayDestinationConcurrency, 1, 1000),
                TotalConcurrency = Integer(values, ConfigKeys.RelayTotalConcurrency, 1, 10_000),
                RecipientsPerTransaction = Integer(values, ConfigKeys.RelayRecipientsPerTransaction, 1, 1000),
            },
            Queue = new QueueOptions
            {
                FirstRetry = Duration(values, ConfigKeys.QueueFirstRetry, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
                MaxRetry = Duration(values, ConfigKeys.QueueMaxRetry, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(7)),
                GiveUpAfter = Duration(values, ConfigKeys.QueueLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(100)),
                DelayWarningAfter = Duration(values, ConfigKeys.QueueDelayWarning, TimeSpan.Zero, TimeSpan.FromDays(100)),
            },
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static RelayRoutes ParseRoutes(ConfigValues values)
    {
        try
        {
            return RelayRoutes.Parse(values.Get(ConfigKeys.RelayRoutes), values.Get(ConfigKeys.RelayCredentials));
        }
        catch (FormatException e)
        {
            throw new ConfigException($"{ConfigKeys.RelayRoutes.Name} (from {values.SourceOf(ConfigKeys.RelayRoutes)}) or {ConfigKeys.RelayCredentials.Name}: {e.Message}");
        }
    }

    private static TlsRequirement ParseTlsRequirement(ConfigValues values)
    {
        try
        {
            return TlsRequirement.Parse(values.Get(ConfigKeys.RelayRequireTlsFor));
        }
        catch (FormatException e)
        {
            throw new ConfigException($"{ConfigKeys.RelayRequireTlsFor.Name} (from {values.SourceOf(ConfigKeys.RelayRequireTlsFor)}): {e.Message}");
        }
    }

    private static IPEndPoint? ParseDnsServer(ConfigValues values)
    {
        var text = values.Get(ConfigKeys.RelayDnsServer).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (IPEndPoint.TryParse(text, out var endPoint))
        {
            return endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint;
        }

        throw new ConfigException($"{ConfigKeys.RelayDnsServer.Name} = '{text}' (from {values.SourceOf(ConfigKeys.RelayDnsServer)}) is not an ip[:port]");
    }
}
