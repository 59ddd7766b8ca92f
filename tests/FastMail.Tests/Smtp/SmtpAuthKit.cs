using System.Net;
using System.Text;
using FastMail.Core.Sasl;
using FastMail.Core.Services;
using FastMail.Smtp;
using FastMail.Tests.Sasl;

namespace FastMail.Tests.Smtp;

/// <summary>AUTH fixtures: user bob with password "secret", remotes on and off loopback, base64 helpers.</summary>
internal static class SmtpAuthKit
{
    /// <summary>A client on the internet (RFC 5737 documentation range): plaintext AUTH needs TLS.</summary>
    public static IPEndPoint Internet { get; } = new(IPAddress.Parse("203.0.113.5"), 40000);

    public static IPEndPoint Loopback { get; } = new(IPAddress.Loopback, 40000);

    public static SaslTestCredentials Credentials() => new SaslTestCredentials().Add("bob", "secret");

    public static SmtpSecurity Security(SaslTestCredentials? credentials = null, IAuthThrottle? throttle = null) => new()
    {
        Sasl = new SaslServerFactory(credentials ?? Credentials(), new SaslServerOptions { ScramFakeIterations = 4096 }),
        Throttle = throttle,
    };

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string FromB64(string text) => Encoding.UTF8.GetString(Convert.FromBase64String(text));

    public static string Plain(string user, string password) => B64($"\0{user}\0{password}");
}
