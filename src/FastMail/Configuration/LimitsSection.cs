using FastMail.Transport;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The limits.* keys: the connection limits every listener shares, and the shutdown grace period.</summary>
internal sealed class LimitsSection
{
    /// <summary>The limits as listener options without an endpoint; each listener is a copy with its name, endpoint and TLS.</summary>
    public required ListenerOptions Listener { get; init; }

    public required TimeSpan ShutdownGracePeriod { get; init; }

    public static LimitsSection Bind(ConfigValues values) => new()
    {
        Listener = new ListenerOptions
        {
            MaxConnections = Integer(values, ConfigKeys.MaxConnections, 1, 1_000_000),
            MaxConnectionsPerIp = Integer(values, ConfigKeys.MaxConnectionsPerIp, 1, 1_000_000),
            MaxConnectionRatePerIp = Integer(values, ConfigKeys.MaxConnectionRatePerIp, 0, 1_000_000),
        },
        ShutdownGracePeriod = Duration(values, ConfigKeys.ShutdownGracePeriod, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
    };
}
