using Microsoft.Extensions.Logging;

namespace FastMail.Pop3.Logging;

/// <summary>
/// The operator's POP3 log (category FastMail.Pop3.Sessions): one key=value line per session at its end, each value a
/// structured parameter for the JSON format. Event ids 6050-6059 (inside POP3's 6000-6099). No password, no AUTH
/// payload; the user is the mailbox the login opened.
/// </summary>
internal static partial class Pop3SessionLog
{
    /// <summary>The category the host creates the session logger under, so it can be filtered on its own.</summary>
    public const string Category = "FastMail.Pop3.Sessions";

    [LoggerMessage(EventId = 6050, Level = LogLevel.Information, Message =
        "pop3 session from {Client} listener={Listener} user={User} tls={Tls} end={End} retr={Retrieved} retr_bytes={RetrievedBytes} top={Top} dele={Deleted} commands={Commands} duration={DurationMs}ms")]
    public static partial void SessionEnded(
        ILogger logger, string client, string listener, string user, string tls, string end, int retrieved, long retrievedBytes, int top, int deleted, int commands, double durationMs);
}
