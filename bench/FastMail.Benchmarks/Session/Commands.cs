using System.Text;

namespace FastMail.Benchmarks.Session;

/// <summary>Pre-encoded command lines for the session benchmarks.</summary>
internal static class Commands
{
    public static ReadOnlyMemory<byte> Line(string text) => Encoding.ASCII.GetBytes(text + "\r\n");
}
