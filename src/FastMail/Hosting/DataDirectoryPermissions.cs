using FastMail.Core.IO;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>
/// Mail is private: before anything is opened, the process umask becomes 077 (so that every file created from now on,
/// FASTER's log segments included, is owner-only), the data directory is created 0700 if missing, and an existing one
/// whose entries are group- or world-accessible (e.g. written by a release before owner-only modes) gets a warning.
/// The server does not change existing modes itself: an operator may have shared the directory on purpose.
/// </summary>
internal static partial class DataDirectoryPermissions
{
    public static void Prepare(string dataDirectory, ILogger logger)
    {
        OwnerOnly.RestrictProcessUmask();
        OwnerOnly.CreateDirectory(dataDirectory);
        var shared = OwnerOnly.FindShared(Path.GetFullPath(dataDirectory));
        if (shared.Count > 0)
        {
            shared.Sort(StringComparer.Ordinal);
            SharedEntries(logger, shared[0], shared.Count - 1, Path.GetFullPath(dataDirectory));
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Mail is readable by other local users: {Path} (and {More} more under the data directory) is group- or world-accessible; run chmod -R go-rwx {DataDirectory}")]
    private static partial void SharedEntries(ILogger logger, string path, int more, string dataDirectory);
}
