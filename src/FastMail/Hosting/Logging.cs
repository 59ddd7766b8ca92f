using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FastMail.Hosting;

/// <summary>
/// One console logger for the process, to stderr so stdout stays for command output, in the configured
/// <see cref="LogFormat"/>. The minimum level lives in a <see cref="LogLevelSwitch"/> the host keeps, so a reload can
/// change it without rebuilding the loggers.
/// </summary>
internal static class Logging
{
    public static ILoggerFactory Create(LogLevel level) => Create(new LogLevelSwitch(level), LogFormat.Text);

    public static ILoggerFactory Create(LogLevelSwitch level, LogFormat format) =>
        LoggerFactory.Create(builder => Configure(builder, level, format));

    private static void Configure(ILoggingBuilder builder, LogLevelSwitch level, LogFormat format)
    {
        // Everything reaches the filter, which reads the switch: its level can then move both ways at run time.
        builder.SetMinimumLevel(LogLevel.Trace).AddFilter((_, _, entryLevel) => level.IsEnabled(entryLevel));
        switch (Resolve(format, Environment.GetEnvironmentVariable("JOURNAL_STREAM")))
        {
            case LogFormat.Json:
                // Microsoft's JSON formatter writes with Utf8JsonWriter and formats state values itself: no reflection.
                builder.AddJsonConsole(options =>
                {
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    options.JsonWriterOptions = new JsonWriterOptions { Indented = false };
                });
                break;
            case LogFormat.Systemd:
                // No timestamp: journald stamps each line; "<6>" and friends become its priority (journalctl -p warning).
                builder.AddSystemdConsole(options => options.UseUtcTimestamp = true);
                break;
            default:
                builder.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                });
                break;
        }

        builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>
    /// The console's own stderr writer buffers 256 characters, so a mail log line longer than that (an accepted message's
    /// is about 280) went out in two write(2) calls. With a larger buffer and AutoFlush every line is one write, whole,
    /// as soon as it is logged: `perf stat -e syscalls:sys_enter_write` under smtp-source, 3 → 2 writes per message one
    /// per connection, 2 → 1 with -d. The console logger takes the writer when it is built, so `serve` calls this
    /// before <see cref="Create(LogLevelSwitch, LogFormat)"/>.
    /// </summary>
    public static void OneWritePerLine()
    {
        var writer = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024)
        {
            AutoFlush = true,
        };
        Console.SetError(writer);
    }

    /// <summary>
    /// The format actually written: text under systemd (JOURNAL_STREAM is set for a service whose stderr goes to the
    /// journal, systemd.exec(5)) becomes systemd, so priorities work without configuration; json and systemd stay.
    /// </summary>
    public static LogFormat Resolve(LogFormat configured, string? journalStream) =>
        configured == LogFormat.Text && !string.IsNullOrEmpty(journalStream) ? LogFormat.Systemd : configured;
}
