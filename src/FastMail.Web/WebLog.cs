using System.Net;
using Microsoft.Extensions.Logging;

namespace FastMail.Web;

/// <summary>The web interface's log lines (event ids 6000-6099).</summary>
internal static partial class WebLog
{
    [LoggerMessage(6000, LogLevel.Information, "{Kind} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string kind, string endPoint);

    [LoggerMessage(6001, LogLevel.Information, "Web login of {User} from {Address}")]
    public static partial void LoggedIn(ILogger logger, string user, IPAddress? address);

    [LoggerMessage(6002, LogLevel.Warning, "Web login failed from {Address}")]
    public static partial void LoginFailed(ILogger logger, IPAddress? address);

    [LoggerMessage(6003, LogLevel.Warning, "Web login from {Address} refused: locked out")]
    public static partial void LoginLockedOut(ILogger logger, IPAddress? address);

    [LoggerMessage(6004, LogLevel.Information, "Web mail from {Sender} submitted for {Count} recipient(s)")]
    public static partial void Sent(ILogger logger, string sender, int count);

    [LoggerMessage(6005, LogLevel.Information, "Web delete of {Count} message(s) in {Mailbox}")]
    public static partial void Deleted(ILogger logger, int count, string mailbox);

    [LoggerMessage(6006, LogLevel.Warning, "Message {Id} of {Mailbox} could not be shown")]
    public static partial void UnreadableMessage(ILogger logger, Exception exception, long id, string mailbox);
}
