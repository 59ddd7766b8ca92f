using FastMail.Hosting.Admin;

namespace FastMail.Migration;

/// <summary>
/// The one code path of `fastmail import` and `fastmail export`, whichever host runs it: the running server (the
/// admin socket's "import" and "export" commands) or the CLI itself when no server holds the data directory. Requests are
/// the admin socket's argument lists:
/// <c>import USER ABSOLUTE-PATH auto|maildir|mbox skip|import</c> (the last: what to do with duplicates) and
/// <c>export USER ABSOLUTE-PATH maildir|mbox</c>.
/// </summary>
internal static class MigrationRequest
{
    public const string Import = "import";

    public const string Export = "export";

    public static string[] ForImport(string user, string path, MailboxFormat? format, bool skipDuplicates) =>
        [Import, user, Path.GetFullPath(path), MailboxFormats.Name(format), skipDuplicates ? "skip" : "import"];

    public static string[] ForExport(string user, string path, MailboxFormat format) =>
        [Export, user, Path.GetFullPath(path), MailboxFormats.Name(format)];

    /// <summary>Runs <paramref name="arguments"/> (without the command) as <paramref name="command"/>; never throws for bad input.</summary>
    public static async ValueTask<AdminReply> RunAsync(string command, string[] arguments, MigrationServices services, CancellationToken cancellationToken)
    {
        try
        {
            switch (command)
            {
                case Import when arguments.Length == 4 && arguments[3] is "skip" or "import":
                    return await new MailboxImporter(services).ImportAsync(arguments[0], Absolute(arguments[1]), MailboxFormats.Parse(arguments[2]), arguments[3] == "skip", cancellationToken);
                case Export when arguments.Length == 3 && MailboxFormats.Parse(arguments[2]) is { } format:
                    return await new MailboxExporter(services).ExportAsync(arguments[0], Absolute(arguments[1]), format, cancellationToken);
                default:
                    return AdminReply.Fail("usage: import USER PATH auto|maildir|mbox skip|import | export USER PATH maildir|mbox");
            }
        }
        catch (MigrationException e)
        {
            return AdminReply.Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not Core.Storage.StorageUnavailableException)
        {
            return AdminReply.Fail(e.Message);
        }
    }

    /// <summary>The server's working directory is not the operator's: only absolute paths cross the socket.</summary>
    private static string Absolute(string path) =>
        Path.IsPathFullyQualified(path) ? path : throw new MigrationException($"'{path}' is not an absolute path");
}
