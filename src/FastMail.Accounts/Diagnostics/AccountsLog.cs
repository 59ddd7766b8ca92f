using Microsoft.Extensions.Logging;

namespace FastMail.Accounts.Diagnostics;

/// <summary>Source-generated log messages for accounts (event ids 3000-3099). Passwords and secrets are never logged.</summary>
internal static partial class AccountsLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Loaded {Path}: {Users} users, {Domains} local domains")]
    public static partial void Loaded(ILogger logger, string path, int users, int domains);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Keeping the previous accounts: reloading failed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);
}
