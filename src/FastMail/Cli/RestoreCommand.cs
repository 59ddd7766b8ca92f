using System.Globalization;
using FastMail.Configuration;
using FastMail.Core.IO;
using FastMail.Hosting;
using FastMail.Storage.Backup;
using Microsoft.Extensions.Logging;

namespace FastMail.Cli;

/// <summary>
/// `fastmail restore DIR`: checks a backup against its manifest, then makes it the data directory (the server must not
/// run), and opens the store once so that its index is rebuilt from the restored log.
/// </summary>
internal static class RestoreCommand
{
    public const string Help = """
        Usage: fastmail restore DIR [--force] [options]

        Restores the backup in DIR (written by `fastmail backup`) into the data directory. The server must
        be stopped. Every file of the backup is checked against manifest.json (size and SHA-256) before
        anything is changed; a damaged backup is refused. The data directory must not exist or be empty;
        with --force a non-empty one is moved aside to DATA.before-restore-TIMESTAMP (not deleted).
        The store is then opened once (its index rebuilt from the restored mail log) and counted.
        Exit code 0 on success, 1 when the restore is refused or fails, 2 on wrong usage.
          --force              move a non-empty data directory aside instead of refusing

        """ + ConfigOptions.Help;

    public static Task<int> RunAsync(Arguments args) => RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error)
    {
        if (args.Help)
        {
            output.WriteLine(Help);
            return 0;
        }

        args.AllowOnly([.. ConfigOptions.Names, "force"]);
        var source = Path.GetFullPath(AccountCommands.Required(args, 1, "backup directory"));
        AccountCommands.NoMoreThan(args, 2);
        var force = args.Has("force");
        var settings = FastMailSettings.From(ConfigOptions.Load(args));
        var data = Path.GetFullPath(settings.DataDirectory);

        if (IsSameOrInside(source, data) || IsSameOrInside(data, source))
        {
            // --force would move the backup aside together with the data directory, halfway through the restore.
            error.WriteLine($"fastmail: the backup {source} must be outside the data directory {data}");
            return 1;
        }

        BackupManifest manifest;
        try
        {
            manifest = BackupManifest.Read(source);
            manifest.Verify(source);
        }
        catch (BackupInvalidException e)
        {
            error.WriteLine($"fastmail: backup refused, nothing changed: {e.Message}");
            return 1;
        }

        DataDirectoryLock? oldLock = null;
        string? movedTo = null;
        if (Directory.Exists(data))
        {
            try
            {
                oldLock = DataDirectoryLock.Acquire(data);
            }
            catch (ConfigException e)
            {
                error.WriteLine($"fastmail: cannot restore while the server runs: {e.Message}");
                return 1;
            }

            if (Directory.EnumerateFileSystemEntries(data).Any(e => Path.GetFileName(e) != "fastmail.pid"))
            {
                if (!force)
                {
                    oldLock.Dispose();
                    error.WriteLine($"fastmail: data directory {data} is not empty; restore into an empty one, or use --force to move it aside");
                    return 1;
                }

                // Moved while still locked (the lock stays with the moved directory), so no server starts on it meanwhile.
                movedTo = data + ".before-restore-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
                Directory.Move(data, movedTo);
                DirectorySync.Sync(Path.GetDirectoryName(data)!);
            }
        }

        DataDirectoryLock dataLock;
        if (movedTo is null && oldLock is not null)
        {
            dataLock = oldLock;
        }
        else
        {
            OwnerOnly.CreateDirectory(data);
            dataLock = DataDirectoryLock.Acquire(data);
            oldLock?.Dispose();
        }

        using (dataLock)
        {
            if (movedTo is not null)
            {
                output.WriteLine($"the previous data directory was moved to {movedTo}");
            }

            try
            {
                await MailStoreRestore.CopyFilesAsync(source, manifest, data, CancellationToken.None);
            }
            catch (BackupInvalidException e)
            {
                error.WriteLine($"fastmail: restore failed, {data} is incomplete: {e.Message}");
                return 1;
            }

            using var loggerFactory = Logging.Create(LogLevel.Warning);
            settings.Storage.MaintenancePeriod = TimeSpan.Zero;
            var restored = await MailStoreRestore.OpenOnceAsync(settings.Storage, loggerFactory.CreateLogger("FastMail.Storage"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restored {manifest.Files.Count} files from {source} (taken {manifest.CreatedUtc:yyyy-MM-dd HH:mm:ss} UTC by fastmail {manifest.FastMailVersion}) into {data}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{restored.Messages} messages in {restored.Mailboxes} mailboxes, mail log {restored.LogBytes} bytes"));
        }

        return 0;
    }

    private static bool IsSameOrInside(string path, string directory) =>
        (Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar).StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
