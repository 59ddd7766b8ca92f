using System.Diagnostics;

namespace FastMail.Storage.Log;

/// <summary>
/// Refuses new mail while the file system under the log has less than a reserve free (Postfix's queue_minfree), so the
/// log itself never hits ENOSPC: FASTER treats a failed page write as fatal and refuses appends until restarted, which
/// would turn a full disk into an outage. Checked before a message starts, before each chunk and before the commit; the
/// space is measured at most every <see cref="RecheckInterval"/> while far from the reserve, and every time close to it
/// or below it, so the store accepts mail again as soon as space returns, without a restart.
/// </summary>
internal sealed class FreeSpaceGuard(string directory, long minFreeBytes)
{
    /// <summary>errno ENOSPC on Linux: the low word of the IOException's HResult, as .NET reports syscall failures.</summary>
    public const int Enospc = 28;

    private static readonly long RecheckInterval = Stopwatch.Frequency / 4;
    private long _nextCheck;
    private long _lastFree = long.MaxValue;

    /// <summary>Throws an <see cref="IOException"/> with ENOSPC in its HResult when free space is below the reserve.</summary>
    public void ThrowIfLow()
    {
        if (minFreeBytes <= 0)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var free = Volatile.Read(ref _lastFree);
        if (now >= Volatile.Read(ref _nextCheck) || free < 2 * minFreeBytes)
        {
            free = Measure();
            Volatile.Write(ref _lastFree, free);
            Volatile.Write(ref _nextCheck, now + RecheckInterval);
        }

        if (free < minFreeBytes)
        {
            throw new IOException($"No space left on device: {free} bytes free under {directory}, below the {minFreeBytes}-byte reserve.", unchecked((int)0x80070000) | Enospc);
        }
    }

    private long Measure()
    {
        try
        {
            // On Unix DriveInfo takes any path and asks statvfs for the file system holding it.
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (IOException)
        {
            return long.MaxValue;
        }
        catch (UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }
}
