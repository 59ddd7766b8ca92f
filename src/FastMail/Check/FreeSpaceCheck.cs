using FastMail.Configuration;

namespace FastMail.Check;

/// <summary>
/// Free space where the mail goes, against storage.minFreeSpace (below it the server refuses new mail with 452):
/// FAIL under it, WARN under twice it.
/// </summary>
internal static class FreeSpaceCheck
{
    private const string Name = "free space";

    public static CheckResult Run(FastMailSettings settings)
    {
        var where = DataDirectoryCheck.NearestExisting(settings.DataDirectory);
        long free;
        try
        {
            free = new DriveInfo(where).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return CheckResult.Warn(Name, $"cannot read the free space of {where}: {e.Message}");
        }

        return Judge(free, settings.Storage.MinFreeBytes, where);
    }

    internal static CheckResult Judge(long free, long minFree, string where)
    {
        var text = $"{Size(free)} free on {where}, storage.minFreeSpace is {Size(minFree)}";
        if (free < minFree)
        {
            return CheckResult.Fail(Name, text + ": new mail would be refused (452 4.3.1)");
        }

        return free < 2 * minFree
            ? CheckResult.Warn(Name, text + ": less than twice the minimum")
            : CheckResult.Ok(Name, text);
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        _ => $"{bytes / 1024.0:0.#} KiB",
    };
}
