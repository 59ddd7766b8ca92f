using System.Text;
using FastMail.Core.Sasl;

namespace FastMail.Tests.Sasl;

/// <summary>Base64 lines as a protocol layer would pass them.</summary>
internal static class SaslWire
{
    public static byte[] Line(string text) => Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));

    public static byte[] Raw(string line) => Encoding.ASCII.GetBytes(line);

    public static string Challenge(SaslStep step) => Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(step.Challenge.Span)));

    public static string WireText(SaslStep step) => Encoding.ASCII.GetString(step.Challenge.Span);

    public static SaslServer NewServer(SaslTestCredentials credentials, Action<SaslServerOptions>? configure = null)
    {
        var options = new SaslServerOptions { ScramFakeIterations = 4096 };
        configure?.Invoke(options);
        return new SaslServerFactory(credentials, options).Create();
    }
}
