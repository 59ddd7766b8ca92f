using FastMail.Configuration;
using FastMail.Hosting.Admin;

namespace FastMail.Cli;

/// <summary>`fastmail status`: the running server's numbers (the metrics endpoint's, for a person), through its admin socket.</summary>
internal static class StatusCommand
{
    public const string Help = """
        Usage: fastmail status

        Shows the running server's state through DATA/admin.sock: version and uptime, each listener with
        its open connections, messages per minute, storage used and free, outbound queue depth, and, when
        metrics.listen is set, messages accepted and rejected (by reason) and failed logins (by protocol).
        Exit code 0 when the server answered, 1 when it is not running or refuses, 2 on wrong usage.

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
        AccountCommands.NoMoreThan(args, 1);
        var dataDirectory = FastMailSettings.From(ConfigOptions.Load(args)).DataDirectory;
        AdminReply reply;
        try
        {
            reply = await AdminClient.SendAsync(dataDirectory, [StatusAdminHandler.Command], TimeSpan.FromSeconds(30));
        }
        catch (IOException e)
        {
            error.WriteLine($"fastmail: {e.Message}");
            return 1;
        }

        return reply.Print(output, error);
    }
}
