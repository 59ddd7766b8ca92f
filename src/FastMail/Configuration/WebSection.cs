using System.Net;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The web.* keys: where the webmail and admin pages listen and how long an idle session lives.</summary>
internal sealed class WebSection
{
    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    public required IReadOnlyList<IPEndPoint> HttpsListen { get; init; }

    public required TimeSpan SessionIdle { get; init; }

    /// <summary>False when both listen keys are empty: no web server is started.</summary>
    public bool Enabled => Listen.Count > 0 || HttpsListen.Count > 0;

    public static WebSection Bind(ConfigValues values) => new()
    {
        Listen = EndPoints(values, ConfigKeys.WebListen),
        HttpsListen = EndPoints(values, ConfigKeys.WebHttpsListen),
        SessionIdle = Duration(values, ConfigKeys.WebSessionIdle, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)),
    };
}
