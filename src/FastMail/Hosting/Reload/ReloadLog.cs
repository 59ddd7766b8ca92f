using Microsoft.Extensions.Logging;

namespace FastMail.Hosting.Reload;

/// <summary>Source-generated log messages of a configuration reload (event ids 1500-1509).</summary>
internal static partial class ReloadLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Reloading the configuration")]
    public static partial void Reloading(ILogger logger);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Error, Message = "Configuration reload failed, the server keeps its current settings: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Configuration reload: {Key} changed from '{OldValue}' to '{NewValue}': applied")]
    public static partial void Applied(ILogger logger, string key, string oldValue, string newValue);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Configuration reload: {Key} changed from '{OldValue}' to '{NewValue}': needs a restart (the running server keeps '{OldValue}')")]
    public static partial void NeedsRestart(ILogger logger, string key, string oldValue, string newValue);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Configuration reload: TLS certificate {Thumbprint} (was {OldThumbprint}): applied to new SMTP/POP3 connections; the web HTTPS listener keeps the old one until a restart")]
    public static partial void CertificateApplied(ILogger logger, string thumbprint, string oldThumbprint);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information, Message = "Configuration reloaded: {Applied} change(s) applied, {Restart} need a restart")]
    public static partial void Reloaded(ILogger logger, int applied, int restart);
}
