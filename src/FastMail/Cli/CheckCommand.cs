using FastMail.Check;

namespace FastMail.Cli;

/// <summary>`fastmail check`: is this configuration ready to serve? One line per check; exit 1 when any fails.</summary>
internal static class CheckCommand
{
    public const string Help = """
        Usage: fastmail check [--config FILE] [--data-dir DIR] [--set KEY=VALUE]...

        Checks, without starting the server: the configuration parses; every listen address can be bound (or is held
        by this server, already running); the TLS certificate is readable, matches its key, is valid and covers the host
        name; the data directory exists or can be created, is owner-only and writable; free space is above
        storage.minFreeSpace; accounts.json parses. Prints OK, WARN or FAIL per check; exits 1 if any check fails.
        Run it before `serve`, and after editing the configuration before `kill -HUP`.

        """ + ConfigOptions.Help;

    public static int Run(Arguments args)
    {
        args.AllowOnly(ConfigOptions.Names);
        if (args.Positionals.Count > 1)
        {
            throw new UsageException($"unexpected argument '{args.Positionals[1]}'");
        }

        var results = ServerChecks.Run(() => ConfigOptions.Load(args), DateTimeOffset.UtcNow);
        foreach (var result in results)
        {
            Console.WriteLine(result);
        }

        return results.Any(r => r.Status == CheckStatus.Fail) ? 1 : 0;
    }
}
