using FastMail.Cli;
using FastMail.Configuration;
using FastMail.Core.IO;

namespace FastMail;

/// <summary>The `fastmail` executable: one binary for the server and its administration.</summary>
internal static class Program
{
    private const string Help = """
        FastMail: an SMTP and POP3 mail server in one binary.

        Usage: fastmail <command> [options]

        Commands:
          serve                          run the SMTP and POP3 servers
          user add|del|list|passwd|apop|quota  manage users (works while the server runs)
          domain add|del|list            manage local domains (works while the server runs)
          alias add|remove|list          manage aliases and catch-alls (works while the server runs)
          queue list|show|retry|delete   inspect and manage the outbound queue of the running server
          backup DIR                     write a consistent backup of the data directory (server running or not)
          restore DIR [--force]          restore a backup into the data directory (server stopped)
          import USER PATH               import a Maildir or mbox file (Postfix, Dovecot) into a mailbox
          export USER --maildir DIR|--mbox FILE  write a mailbox out as a Maildir or an mbox file
          status                         show the running server's connections, messages, storage and queue
          config                         print the configuration keys, defaults and descriptions
          install | uninstall            set this binary up as a systemd service on the standard ports (root)
          check                          check the configuration, ports, certificate and data directory
          version                        print the version

        Run `fastmail <command> --help` for a command's options.
        """;

    public static async Task<int> Main(string[] args)
    {
        // Every command may create files in the data directory (mail, accounts, locks): owner-only, whatever the umask.
        OwnerOnly.RestrictProcessUmask();
        try
        {
            var parsed = Arguments.Parse(args);
            var command = parsed.Positionals.Count > 0 ? parsed.Positionals[0] : null;
            return command switch
            {
                null when parsed.Help => PrintHelp(Help),
                null => Fail(Help, "no command given"),
                "serve" when parsed.Help => PrintHelp(ServeCommand.Help),
                "serve" => await ServeCommand.RunAsync(parsed),
                "user" => UserCommand.Run(parsed),
                "domain" => DomainCommand.Run(parsed),
                "alias" => AliasCommand.Run(parsed),
                "queue" => await QueueCommand.RunAsync(parsed),
                "backup" => await BackupCommand.RunAsync(parsed),
                "restore" => await RestoreCommand.RunAsync(parsed),
                "import" => await ImportCommand.RunAsync(parsed),
                "export" => await ExportCommand.RunAsync(parsed),
                "status" => await StatusCommand.RunAsync(parsed),
                "config" when parsed.Help => PrintHelp(ConfigCommand.Help),
                "config" => ConfigCommand.Run(parsed),
                "install" or "uninstall" when parsed.Help => PrintHelp(InstallCommand.Help),
                "install" => InstallCommand.Install(parsed),
                "uninstall" => InstallCommand.Uninstall(parsed),
                "check" when parsed.Help => PrintHelp(CheckCommand.Help),
                "check" => CheckCommand.Run(parsed),
                "version" or "--version" => VersionCommand.Run(),
                "help" => PrintHelp(Help),
                _ => Fail(Help, $"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"fastmail: {e.Message} (see --help)");
            return 2;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"fastmail: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or FastMail.Hosting.Tls.TlsCertificateException or FastMail.Accounts.AccountsFileException)
        {
            // A port already taken, an unreadable data directory or certificate: the message names it; no stack trace.
            Console.Error.WriteLine($"fastmail: {e.Message}");
            return 1;
        }
    }

    internal static int PrintHelp(string text)
    {
        Console.WriteLine(text);
        return 0;
    }

    private static int Fail(string help, string message)
    {
        Console.Error.WriteLine($"fastmail: {message}");
        Console.Error.WriteLine(help);
        return 2;
    }
}
