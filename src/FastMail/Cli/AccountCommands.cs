using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.Hosting;
using FastMail.Core.IO;

namespace FastMail.Cli;

/// <summary>Shared plumbing of `user` and `domain`: find the data directory, open the account file, print the outcome.</summary>
internal static class AccountCommands
{
    public static AccountAdmin OpenAdmin(Arguments args)
    {
        var settings = FastMailSettings.From(ConfigOptions.Load(args));
        OwnerOnly.CreateDirectory(settings.DataDirectory);
        return new AccountAdmin(settings.Accounts.Options);
    }

    /// <summary>Prints the result (stdout on success, stderr on refusal) and returns the exit code: 0 or 1.</summary>
    public static int Report(AdminResult result)
    {
        if (result.Succeeded)
        {
            Console.WriteLine(result.Message);
            return 0;
        }

        Console.Error.WriteLine($"fastmail: {result.Message}");
        return 1;
    }

    /// <summary>The positional argument at <paramref name="index"/>, or a usage error naming what is missing.</summary>
    public static string Required(Arguments args, int index, string what) =>
        args.Positionals.Count > index ? args.Positionals[index] : throw new UsageException($"missing {what}");

    public static void NoMoreThan(Arguments args, int count)
    {
        if (args.Positionals.Count > count)
        {
            throw new UsageException($"unexpected argument '{args.Positionals[count]}'");
        }
    }
}
