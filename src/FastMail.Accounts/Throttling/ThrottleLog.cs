using System.Net;
using Microsoft.Extensions.Logging;

namespace FastMail.Accounts.Throttling;

/// <summary>Source-generated log messages for login throttling (event ids 3100-3109).</summary>
internal static partial class ThrottleLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "Login lockout of {Address} for {Duration} after {Failures} failed logins")]
    public static partial void AddressLockedOut(ILogger logger, IPAddress address, TimeSpan duration, int failures);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Login lockout of account '{Account}' for {Duration} after {Failures} failed logins")]
    public static partial void AccountLockedOut(ILogger logger, string account, TimeSpan duration, int failures);
}
