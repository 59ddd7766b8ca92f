using FastMail.Hosting.Backup;
using FastMail.Storage;

namespace FastMail.Hosting.Admin;

/// <summary>
/// The `backup DIR` admin command: the running server copies its data directory into DIR (an absolute path, which must
/// not exist or be empty) while it goes on serving; the reply lists what was written.
/// </summary>
internal sealed class BackupAdminHandler(FasterMailStore store, string dataDirectory, string version)
{
    public const string Command = "backup";

    /// <summary>
    /// How long a backup may take before the request is answered "timed out" (the copy is then cancelled): far past the
    /// admin socket's default 60 s, since a large store takes minutes to copy. The CLI waits a little longer.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromHours(12);

    /// <summary>Registers this handler as the `backup` command of <paramref name="server"/>.</summary>
    public static void Register(AdminSocketServer server, FasterMailStore store, string dataDirectory, string version) =>
        server.Register(Command, new BackupAdminHandler(store, dataDirectory, version).HandleAsync, Timeout);

    public async ValueTask<AdminReply> HandleAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length != 1 || !Path.IsPathFullyQualified(args[0]))
        {
            return AdminReply.Fail("usage: backup DIR (an absolute path)");
        }

        try
        {
            var summary = await DataDirectoryBackup.RunAsync(store, dataDirectory, args[0], version, cancellationToken);
            return AdminReply.Ok(summary.Lines);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return AdminReply.Fail($"backup failed: {e.Message}");
        }
    }
}
