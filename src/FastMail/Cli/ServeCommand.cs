using System.Diagnostics;
using FastMail.Configuration;
using FastMail.Hosting;
using Microsoft.Extensions.Logging;

namespace FastMail.Cli;

/// <summary>`fastmail serve`: validate the configuration, start listening, run until SIGTERM/SIGINT, stop gracefully.</summary>
internal static class ServeCommand
{
    public const string Help = """
        Usage: fastmail serve [--config FILE] [--data-dir DIR] [--set KEY=VALUE]...

        Runs the SMTP and POP3 servers until SIGTERM or SIGINT, then stops gracefully (SIGHUP reloads the configuration):
        no new connections, in-flight DATA may finish, idle sessions get 421, the store commits and closes.
        Without --config the embedded defaults apply (see `fastmail config`): data in ./data, SMTP on 2525, POP3 on 1110.
        `serve` never creates accounts: add them with `fastmail user add`.

        """ + ConfigOptions.Help;

    public static async Task<int> RunAsync(Arguments args)
    {
        args.AllowOnly(ConfigOptions.Names);
        if (args.Positionals.Count > 1)
        {
            throw new UsageException($"unexpected argument '{args.Positionals[1]}'");
        }

        var started = Stopwatch.GetTimestamp();
        ILogger? startingLogger = null;
        // First of all: from here on a SIGHUP during start-up no longer ends the process; it reloads once ready.
        using var reloadSignal = new ReloadSignal(() => startingLogger?.LogInformation("SIGHUP during start-up: the configuration is read again once the server is ready"));
        var values = ConfigOptions.Load(args);
        var settings = FastMailSettings.From(values);
        var logLevel = new LogLevelSwitch(settings.LogLevel);
        Logging.OneWritePerLine();
        using var loggerFactory = Logging.Create(logLevel, settings.LogFormat);
        var logger = loggerFactory.CreateLogger("FastMail");
        startingLogger = logger;
        using var signal = new ShutdownSignal();
        using var systemd = SystemdNotifier.FromEnvironment(logger);
        await using var server = MailServer.Start(settings, loggerFactory);
        // SIGHUP: re-read the same file, --set values and environment; systemd hears RELOADING=1 then READY=1 (sd_notify(3)).
        var reloader = new Hosting.Reload.ConfigReloader(() => ConfigOptions.Load(args), values, server, loggerFactory, setLogLevel: level => logLevel.Level = level);
        reloader.Reloading += () => systemd.Notify($"RELOADING=1\nMONOTONIC_USEC={Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000)}");
        reloader.Reloaded += _ => systemd.Notify("READY=1");
        logger.LogInformation("FastMail {Version} ready in {Milliseconds:F0} ms; data in {DataDirectory}", VersionCommand.Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds, settings.DataDirectory);
        systemd.Ready($"FastMail {VersionCommand.Version} serving mail from {settings.DataDirectory}");
        reloadSignal.Arm(() => reloader.Reload());
        try
        {
            await Task.Delay(Timeout.Infinite, signal.Token);
        }
        catch (OperationCanceledException)
        {
        }

        logger.LogInformation("FastMail stopping");
        systemd.Stopping();
        await server.StopAsync();
        return 0;
    }
}
