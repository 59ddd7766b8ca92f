using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.Delivery;
using FastMail.Hosting;
using FastMail.Hosting.Admin;
using FastMail.Migration;
using FastMail.Storage;
using Microsoft.Extensions.Logging;

namespace FastMail.Cli;

/// <summary>
/// Runs an import or export request where the data directory is: through the running server's admin socket when a
/// server holds the directory's lock, else in this process after taking the lock itself (so no server can start on the
/// store meanwhile), with the store, accounts and delivery step opened as the server opens them. Both run
/// <see cref="MigrationRequest.RunAsync"/>; the reply is printed the same way.
/// </summary>
internal static class MigrationHost
{
    public static async Task<int> RunAsync(Arguments args, string[] request, TextWriter output, TextWriter error)
    {
        var settings = FastMailSettings.From(ConfigOptions.Load(args));
        AdminReply reply;
        if (!Directory.Exists(settings.DataDirectory))
        {
            error.WriteLine($"fastmail: no data directory {settings.DataDirectory} (no users, no mail yet)");
            return 1;
        }

        DataDirectoryLock? dataLock = null;
        try
        {
            dataLock = DataDirectoryLock.Acquire(settings.DataDirectory);
        }
        catch (ConfigException)
        {
            // A server holds the directory: it does the work.
        }

        if (dataLock is null)
        {
            try
            {
                reply = await AdminClient.SendAsync(settings.DataDirectory, request, Timeout.InfiniteTimeSpan);
            }
            catch (IOException e)
            {
                error.WriteLine($"fastmail: {e.Message}");
                return 1;
            }
        }
        else
        {
            using (dataLock)
            {
                reply = await RunHereAsync(settings, request);
            }
        }

        return reply.Print(output, error);
    }

    private static async Task<AdminReply> RunHereAsync(FastMailSettings settings, string[] request)
    {
        // Warnings only: the store's start-up lines are the server's business; the command prints its own report.
        using var loggerFactory = Logging.Create(LogLevel.Warning);
        ThreadPoolFloor.Ensure();
        await using var store = FasterMailStore.Open(settings.Storage, loggerFactory.CreateLogger("FastMail.Storage"));
        var directory = new AccountDirectory(settings.Accounts.Options, loggerFactory.CreateLogger<AccountDirectory>());
        var logger = loggerFactory.CreateLogger("FastMail.Migration");
        var delivery = new MailDelivery(directory, directory, store, logger);
        var services = new MigrationServices(directory, store, store.Browser, delivery, logger);
        return await MigrationRequest.RunAsync(request[0], request[1..], services, CancellationToken.None);
    }
}
