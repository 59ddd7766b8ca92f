using System.Diagnostics;
using FastMail.Core.Storage;

namespace FastMail.Storage.Log;

/// <summary>
/// Refuses new mail while the file system under the log has less than a reserve free (Postfix's queue_minfree), leaving
/// room for the rest of the system. (That FASTER's own writes never meet ENOSPC is <see cref="LogSpaceReservation"/>'s
/// job: they go into space allocated ahead.) Checked before a message starts, before each chunk and before the commit.
/// Free space is measured again when half of the headroom above the reserve may have been written to the log since the
/// last measurement, or after <see cref="RecheckInterval"/> (other writers: checkpoints, other programs), and at every
/// check once below the reserve, so the store accepts mail again as soon as space returns, without a restart.
/// </summary>
internal sealed class FreeSpaceGuard(string directory, long minFreeBytes, Func<long> logTail)
{
    private static readonly long RecheckInterval = Stopwatch.Frequency / 4;
    private readonly Lock _gate = new();
    private long _nextCheck;
    private long _tailAtCheck;
    private long _appendBudget;
    private long _lastFree;
    private DriveInfo? _drive;

    /// <summary>Throws <see cref="StorageFullException"/> when free space is below the reserve.</summary>
    public void ThrowIfLow()
    {
        if (minFreeBytes <= 0)
        {
            return;
        }

        long free;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var tail = logTail();
            if (now >= _nextCheck || tail - _tailAtCheck >= _appendBudget)
            {
                _lastFree = Measure();
                _tailAtCheck = tail;
                _nextCheck = now + RecheckInterval;
                _appendBudget = Math.Max(0, (_lastFree - minFreeBytes) / 2);
            }

            free = _lastFree;
        }

        if (free < minFreeBytes)
        {
            throw new StorageFullException($"No space left on device: {free} bytes free under {directory}, below the {minFreeBytes}-byte reserve.");
        }
    }

    /// <summary>
    /// True when the file system holding <paramref name="directory"/> has less than <paramref name="bytes"/> free now:
    /// tells a write that failed for lack of space from other I/O errors (FASTER reports both as error code -1).
    /// </summary>
    public static bool IsBelow(string directory, long bytes) => Measure(directory) < bytes;

    // One DriveInfo kept: each AvailableFreeSpace read asks statvfs again, so the steady state allocates nothing.
    private long Measure()
    {
        try
        {
            _drive ??= new DriveInfo(directory);
            return _drive.AvailableFreeSpace;
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

    private static long Measure(string directory)
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
