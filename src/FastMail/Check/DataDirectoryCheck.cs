using FastMail.Configuration;

namespace FastMail.Check;

/// <summary>
/// The data directory: exists (or its nearest existing parent lets us create it), belongs to the current user, is
/// owner-only (0700: mail is private), and is writable.
/// </summary>
internal static class DataDirectoryCheck
{
    private const string Name = "data directory";

    private const UnixFileMode SharedBits = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static IEnumerable<CheckResult> Run(FastMailSettings settings)
    {
        var directory = settings.DataDirectory;
        if (!Directory.Exists(directory))
        {
            var parent = NearestExisting(directory);
            yield return CanWriteIn(parent)
                ? CheckResult.Ok(Name, $"{directory} does not exist yet; it will be created (mode 0700) at first start")
                : CheckResult.Fail(Name, $"{directory} does not exist and cannot be created: {parent} is not writable by this user");
            yield break;
        }

        var owner = UnixFileOwner.Of(directory);
        var me = UnixFileOwner.CurrentUser;
        if (owner is { } uid && uid != me)
        {
            yield return CheckResult.Warn(Name + " owner", $"{directory} belongs to uid {uid}, not to the current user (uid {me}): run the server and this check as its owner");
        }

        if (OperatingSystem.IsWindows())
        {
            yield break;
        }

        var mode = File.GetUnixFileMode(directory);
        yield return (mode & SharedBits) != 0
            ? CheckResult.Warn(Name + " mode", $"{directory} is {Octal(mode)}, readable by other local users: run chmod -R go-rwx {directory}")
            : CheckResult.Ok(Name + " mode", $"{directory} is {Octal(mode)} (owner only)");

        yield return CanWriteIn(directory)
            ? CheckResult.Ok(Name, $"{directory} is writable")
            : CheckResult.Fail(Name, $"{directory} is not writable by this user");
    }

    /// <summary>The path itself when it exists, else its closest existing ancestor.</summary>
    internal static string NearestExisting(string path)
    {
        var current = Path.GetFullPath(path);
        while (!Directory.Exists(current))
        {
            current = Path.GetDirectoryName(current) ?? "/";
        }

        return current;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);

    /// <summary>Creates and deletes a probe file: the only answer that accounts for modes, ACLs and read-only mounts.</summary>
    private static bool CanWriteIn(string directory)
    {
        var probe = Path.Combine(directory, $".fastmail-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
