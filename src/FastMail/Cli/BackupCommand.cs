using FastMail.Configuration;
using FastMail.Hosting;
using FastMail.Hosting.Admin;
using FastMail.Hosting.Backup;
using FastMail.Storage;
using Microsoft.Extensions.Logging;

namespace FastMail.Cli;

/// <summary>
/// `fastmail backup DIR`: a consistent copy of the data directory. With the server running, the server makes it (through
/// its admin socket) while it goes on serving; otherwise this process takes the data directory's lock and makes it.
/// </summary>
internal static class BackupCommand
{
    public const string Help = """
        Usage: fastmail backup DIR [options]

        Writes a backup of the data directory into DIR (which must not exist or be empty), owner-only.
        Works while the server runs (it makes the copy itself, through DATA/admin.sock, without stopping
        mail) and when it does not run (this command then locks the data directory while it copies).
        A backup holds, as of the moment it starts: every message acknowledged (250) before then, without
        the POP3 deletes committed before then, the outbound queue, accounts.json and DATA/tls; plus
        manifest.json with every file's size and SHA-256, which `fastmail restore` checks first.
        Exit code 0 on success, 1 when the backup fails, 2 on wrong usage.

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
        var target = Path.GetFullPath(AccountCommands.Required(args, 1, "backup directory"));
        AccountCommands.NoMoreThan(args, 2);
        var settings = FastMailSettings.From(ConfigOptions.Load(args));
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            error.WriteLine($"fastmail: backup directory {target} is not empty");
            return 1;
        }

        if (!Directory.Exists(settings.DataDirectory))
        {
            error.WriteLine($"fastmail: no data directory at {Path.GetFullPath(settings.DataDirectory)}");
            return 1;
        }

        AdminReply reply;
        try
        {
            reply = await AdminClient.SendAsync(settings.DataDirectory, [BackupAdminHandler.Command, target], BackupAdminHandler.Timeout + TimeSpan.FromMinutes(1));
        }
        catch (AdminUnavailableException)
        {
            return await RunOfflineAsync(settings, target, output, error);
        }
        catch (IOException e)
        {
            error.WriteLine($"fastmail: {e.Message}");
            return 1;
        }

        return reply.Print(output, error);
    }

    /// <summary>No server answers: take the data directory's lock (a server cannot start meanwhile) and copy here.</summary>
    private static async Task<int> RunOfflineAsync(FastMailSettings settings, string target, TextWriter output, TextWriter error)
    {
        DataDirectoryLock dataLock;
        try
        {
            dataLock = DataDirectoryLock.Acquire(settings.DataDirectory);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"fastmail: {e.Message}; its admin socket does not answer, so it cannot make the backup");
            return 1;
        }

        using (dataLock)
        {
            using var loggerFactory = Logging.Create(LogLevel.Warning);
            settings.Storage.MaintenancePeriod = TimeSpan.Zero;
            var store = FasterMailStore.Open(settings.Storage, loggerFactory.CreateLogger("FastMail.Storage"));
            BackupSummary summary;
            await using (store)
            {
                summary = await DataDirectoryBackup.RunAsync(store, settings.DataDirectory, target, VersionCommand.Version, CancellationToken.None);
            }

            foreach (var line in summary.Lines)
            {
                output.WriteLine(line);
            }
        }

        return 0;
    }
}
