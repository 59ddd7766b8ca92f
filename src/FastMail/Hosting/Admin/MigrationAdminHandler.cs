using FastMail.Migration;

namespace FastMail.Hosting.Admin;

/// <summary>
/// The `import` and `export` admin commands: `fastmail import/export` run inside the server when it holds the data
/// directory (the server process reads or writes the path, so the CLI sends it absolute). They may run for minutes, so
/// they have no handler timeout: only the server's stop ends one early (between two messages; what was committed stays).
/// </summary>
internal static class MigrationAdminHandler
{
    public static void Register(AdminSocketServer server, MigrationServices services)
    {
        server.Register(MigrationRequest.Import, (args, token) => MigrationRequest.RunAsync(MigrationRequest.Import, args, services, token), Timeout.InfiniteTimeSpan);
        server.Register(MigrationRequest.Export, (args, token) => MigrationRequest.RunAsync(MigrationRequest.Export, args, services, token), Timeout.InfiniteTimeSpan);
    }
}
