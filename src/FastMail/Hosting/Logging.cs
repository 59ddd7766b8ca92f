using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FastMail.Hosting;

/// <summary>One console logger for the process: single-line, UTC timestamps, to stderr so stdout stays for command output.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        })
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
}
