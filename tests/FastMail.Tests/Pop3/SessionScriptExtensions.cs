using FastMail.Tests.TestKit;

namespace FastMail.Tests.Pop3;

internal static class SessionScriptExtensions
{
    /// <summary>Reads one reply line and asserts it is exactly <paramref name="expected"/> (byte-exact, CRLF stripped).</summary>
    public static async Task ExpectLine(this SessionScript script, string expected)
    {
        Assert.Equal(expected, await script.ReadLine());
    }

    /// <summary>Reads lines up to the "." terminator, raw (no un-stuffing).</summary>
    public static async Task<List<string>> ReadRawBody(this SessionScript script)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await script.ReadLine();
            if (line == ".")
            {
                return lines;
            }

            lines.Add(line);
        }
    }

    /// <summary>Waits for the session to end and asserts the connection was closed.</summary>
    public static async Task ExpectClosed(this SessionScript script)
    {
        Assert.True(await script.IsClosed());
        await script.Session.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
