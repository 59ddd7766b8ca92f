namespace FastMail.Cli;

/// <summary>`fastmail domain add|del|list`: manage local domains; works while the server runs.</summary>
internal static class DomainCommand
{
    public const string Help = """
        Usage: fastmail domain add DOMAIN
               fastmail domain del DOMAIN
               fastmail domain list

        Mail to any local domain is delivered to the user of the same name (users are shared by all local domains).
        The primary domain (primaryDomain) is always local and cannot be deleted. A running server picks changes up within a second.

        """ + ConfigOptions.Help;

    public static int Run(Arguments args)
    {
        if (args.Help)
        {
            return Program.PrintHelp(Help);
        }

        args.AllowOnly(ConfigOptions.Names);
        var verb = AccountCommands.Required(args, 1, "subcommand (add, del, list)");
        switch (verb)
        {
            case "add":
                AccountCommands.NoMoreThan(args, 3);
                return AccountCommands.Report(AccountCommands.OpenAdmin(args).AddDomain(AccountCommands.Required(args, 2, "domain")));
            case "del":
                AccountCommands.NoMoreThan(args, 3);
                return AccountCommands.Report(AccountCommands.OpenAdmin(args).DeleteDomain(AccountCommands.Required(args, 2, "domain")));
            case "list":
                AccountCommands.NoMoreThan(args, 2);
                foreach (var domain in AccountCommands.OpenAdmin(args).ListDomains())
                {
                    Console.WriteLine(domain);
                }

                return 0;
            default:
                throw new UsageException($"unknown domain subcommand '{verb}'");
        }
    }
}
