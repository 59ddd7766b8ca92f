using FastMail.Accounts;

namespace FastMail.Cli;

/// <summary>`fastmail user add|del|list|passwd|apop|quota|admin`: manage users; works while the server runs.</summary>
internal static class UserCommand
{
    public const string Help = """
        Usage: fastmail user add NAME [--password PW] [--admin]
               fastmail user passwd NAME [--password PW]
               fastmail user del NAME
               fastmail user list
               fastmail user apop NAME (--secret S | --clear)
               fastmail user quota NAME (SIZE | --clear)
               fastmail user admin NAME (on | off)

        Without --password the password is read from the first line of standard input
        (so it stays out of the shell history: `read -s pw; echo "$pw" | fastmail user add alice`).
        Passwords are stored as PBKDF2-HMAC-SHA256 hashes. An APOP secret is stored readable
        (APOP needs a plaintext-equivalent secret) and is only used when pop3.enableApop=true.
        A quota SIZE is bytes with an optional k/m/g suffix (100m, 1g); 0 means unlimited for
        this user; --clear removes the user's own quota so accounts.defaultQuota applies.
        An admin (--admin, or `user admin NAME on`) may use the web administration.
        A running server picks changes up within a second.

        """ + ConfigOptions.Help;

    public static int Run(Arguments args)
    {
        if (args.Help)
        {
            return Program.PrintHelp(Help);
        }

        var verb = AccountCommands.Required(args, 1, "subcommand (add, del, list, passwd, apop, quota, admin)");
        switch (verb)
        {
            case "add":
                args.AllowOnly([.. ConfigOptions.Names, "password", "admin"]);
                AccountCommands.NoMoreThan(args, 3);
                {
                    var name = AccountCommands.Required(args, 2, "user name");
                    var password = Password(args);
                    return AccountCommands.Report(AccountCommands.OpenAdmin(args).AddUser(name, password, args.Has("admin")));
                }

            case "passwd":
                args.AllowOnly([.. ConfigOptions.Names, "password"]);
                AccountCommands.NoMoreThan(args, 3);
                {
                    var name = AccountCommands.Required(args, 2, "user name");
                    var password = Password(args);
                    return AccountCommands.Report(AccountCommands.OpenAdmin(args).SetPassword(name, password));
                }

            case "del":
                args.AllowOnly(ConfigOptions.Names);
                AccountCommands.NoMoreThan(args, 3);
                return AccountCommands.Report(AccountCommands.OpenAdmin(args).DeleteUser(AccountCommands.Required(args, 2, "user name")));

            case "list":
                args.AllowOnly(ConfigOptions.Names);
                AccountCommands.NoMoreThan(args, 2);
                foreach (var user in AccountCommands.OpenAdmin(args).ListUsers())
                {
                    var marks = (user.HasApopSecret, user.IsAdmin) switch
                    {
                        (true, true) => " (apop, admin)",
                        (true, false) => " (apop)",
                        (false, true) => " (admin)",
                        _ => "",
                    };
                    Console.WriteLine(user.Name + marks);
                }

                return 0;

            case "admin":
                args.AllowOnly(ConfigOptions.Names);
                AccountCommands.NoMoreThan(args, 4);
                {
                    var name = AccountCommands.Required(args, 2, "user name");
                    var admin = AccountCommands.Required(args, 3, "on or off") switch
                    {
                        "on" => true,
                        "off" => false,
                        var other => throw new UsageException($"'{other}' is neither on nor off"),
                    };
                    return AccountCommands.Report(AccountCommands.OpenAdmin(args).SetAdmin(name, admin));
                }

            case "apop":
                args.AllowOnly([.. ConfigOptions.Names, "secret", "clear"]);
                AccountCommands.NoMoreThan(args, 3);
                {
                    var name = AccountCommands.Required(args, 2, "user name");
                    if (args.Has("clear") == args.Has("secret"))
                    {
                        throw new UsageException("give either --secret S or --clear");
                    }

                    return AccountCommands.Report(AccountCommands.OpenAdmin(args).SetApopSecret(name, args.Option("secret")));
                }

            case "quota":
                args.AllowOnly([.. ConfigOptions.Names, "clear"]);
                AccountCommands.NoMoreThan(args, 4);
                {
                    var name = AccountCommands.Required(args, 2, "user name");
                    return AccountCommands.Report(AccountCommands.OpenAdmin(args).SetQuota(name, Quota(args)));
                }

            default:
                throw new UsageException($"unknown user subcommand '{verb}'");
        }
    }

    private static long? Quota(Arguments args)
    {
        var size = args.Positionals.Count > 3 ? args.Positionals[3] : null;
        if (args.Has("clear") == (size is not null))
        {
            throw new UsageException("give either a SIZE (such as 100m, 0 for unlimited) or --clear");
        }

        if (size is null)
        {
            return null;
        }

        return Configuration.ValueParsers.TryParseSize(size, out var bytes)
            ? bytes
            : throw new UsageException($"'{size}' is not a size such as 100m, 512k or 1048576");
    }

    private static string Password(Arguments args)
    {
        if (args.Option("password") is { } password)
        {
            return password;
        }

        if (!Console.IsInputRedirected)
        {
            Console.Error.Write("Password: ");
        }

        return Console.In.ReadLine() ?? throw new UsageException("no password given (use --password or standard input)");
    }
}
