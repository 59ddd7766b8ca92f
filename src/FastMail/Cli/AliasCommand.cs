using FastMail.Accounts;

namespace FastMail.Cli;

/// <summary>`fastmail alias add|remove|list`: manage aliases and catch-alls of local domains; works while the server runs.</summary>
internal static class AliasCommand
{
    public const string Help = """
        Usage: fastmail alias add ADDRESS TARGET [TARGET...]
               fastmail alias remove ADDRESS [TARGET]
               fastmail alias list

        ADDRESS is name@domain, or @domain for the catch-all of the domain; the domain must be local.
        A TARGET is a user name (alice), a local address (bob@example.org: delivered as mail to it would be,
        through its alias, user or catch-all) or a remote address (carol@remote.test: relayed).
        `add` creates the alias or adds targets to it; `remove` without TARGET removes the whole alias.
        For mail to a local address the exact alias comes first, then a user of that name, then the catch-all.
        Aliases may name aliases (at most 8 deep); cycles and targets that reach nobody are refused.
        A running server picks changes up within a second.

        """ + ConfigOptions.Help;

    public static int Run(Arguments args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command writing to <paramref name="output"/> and <paramref name="error"/>: 0 done, 1 refused; usage errors throw <see cref="UsageException"/>.</summary>
    public static int Run(Arguments args, TextWriter output, TextWriter error)
    {
        if (args.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        args.AllowOnly(ConfigOptions.Names);
        var verb = AccountCommands.Required(args, 1, "subcommand (add, remove, list)");
        switch (verb)
        {
            case "add":
                {
                    var address = AccountCommands.Required(args, 2, "alias address");
                    _ = AccountCommands.Required(args, 3, "target");
                    return Report(AccountCommands.OpenAdmin(args).AddAlias(address, args.Positionals[3..]), output, error);
                }

            case "remove" or "del":
                AccountCommands.NoMoreThan(args, 4);
                {
                    var address = AccountCommands.Required(args, 2, "alias address");
                    var target = args.Positionals.Count > 3 ? args.Positionals[3] : null;
                    return Report(AccountCommands.OpenAdmin(args).RemoveAlias(address, target), output, error);
                }

            case "list":
                AccountCommands.NoMoreThan(args, 2);
                foreach (var alias in AccountCommands.OpenAdmin(args).ListAliases())
                {
                    output.WriteLine($"{alias.Address} -> {string.Join(", ", alias.Targets)}");
                }

                return 0;

            default:
                throw new UsageException($"unknown alias subcommand '{verb}'");
        }
    }

    /// <summary>As <see cref="AccountCommands.Report"/>, to the given writers.</summary>
    private static int Report(AdminResult result, TextWriter output, TextWriter error)
    {
        if (result.Succeeded)
        {
            output.WriteLine(result.Message);
            return 0;
        }

        error.WriteLine($"fastmail: {result.Message}");
        return 1;
    }
}
