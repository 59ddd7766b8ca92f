using System.Globalization;
using FastMail.Configuration;
using FastMail.Hosting.Admin;

namespace FastMail.Cli;

/// <summary>`fastmail queue list|show|retry|delete`: the outbound queue of the running server, through its admin socket.</summary>
internal static class QueueCommand
{
    public const string Help = """
        Usage: fastmail queue list
               fastmail queue show ID
               fastmail queue retry [ID]
               fastmail queue delete ID

        Talks to the running server through DATA/admin.sock (the server must be running on the
        same data directory, and the command run by the server's user).
          list     every queued message, like Postfix's mailq: id, size, arrival time (UTC), sender,
                   then each recipient with its state, attempts, next attempt and last reply
          show     one message in detail
          retry    make the message (or, without ID, every message) due for delivery now
          delete   remove the message from the queue; no bounce is sent to its sender
        Exit code 0 on success, 1 when the server refuses or is not running, 2 on wrong usage.

        """ + ConfigOptions.Help;

    public static Task<int> RunAsync(Arguments args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error)
    {
        if (args.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        args.AllowOnly(ConfigOptions.Names);
        var verb = AccountCommands.Required(args, 1, "subcommand (list, show, retry, delete)");
        string[] request = verb switch
        {
            "list" => Exactly(args, 2, ["queue", "list"]),
            "show" => Exactly(args, 3, ["queue", "show", Id(args)]),
            "retry" when args.Positionals.Count > 2 => Exactly(args, 3, ["queue", "retry", Id(args)]),
            "retry" => ["queue", "retry"],
            "delete" => Exactly(args, 3, ["queue", "delete", Id(args)]),
            _ => throw new UsageException($"unknown queue subcommand '{verb}'"),
        };

        var dataDirectory = FastMailSettings.From(ConfigOptions.Load(args)).DataDirectory;
        AdminReply reply;
        try
        {
            reply = await AdminClient.SendAsync(dataDirectory, request);
        }
        catch (IOException e)
        {
            error.WriteLine($"fastmail: {e.Message}");
            return 1;
        }

        return reply.Print(output, error);
    }

    private static string[] Exactly(Arguments args, int count, string[] request)
    {
        AccountCommands.NoMoreThan(args, count);
        return request;
    }

    /// <summary>The ID argument, checked here so that a typo is a usage error (exit 2) before the server is asked.</summary>
    private static string Id(Arguments args)
    {
        var id = AccountCommands.Required(args, 2, "queue ID (as `fastmail queue list` shows)");
        return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? id
            : throw new UsageException($"'{id}' is not a queue ID (a number, as `fastmail queue list` shows)");
    }
}
