using System.Net;
using FastMail.Pop3;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The pop3.* keys: the options of both POP3 listeners, and where they listen.</summary>
internal sealed class Pop3Section
{
    public required Pop3Options Session { get; init; }

    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    public required IReadOnlyList<IPEndPoint> Pop3sListen { get; init; }

    public static Pop3Section Bind(ConfigValues values, string hostName) => new()
    {
        Session = new Pop3Options
        {
            HostName = hostName,
            AllowPlaintextAuthWithoutTls = Boolean(values, ConfigKeys.Pop3AllowPlaintextAuth),
            IdleTimeout = Duration(values, ConfigKeys.Pop3IdleTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
            EnableApop = Boolean(values, ConfigKeys.Pop3EnableApop),
            MaxErrors = Integer(values, ConfigKeys.Pop3MaxErrors, 1, 1000),
        },
        Listen = EndPoints(values, ConfigKeys.Pop3Listen),
        Pop3sListen = EndPoints(values, ConfigKeys.Pop3sListen),
    };
}
