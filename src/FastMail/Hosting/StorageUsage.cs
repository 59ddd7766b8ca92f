using System.Diagnostics;

namespace FastMail.Hosting;

/// <summary>
/// The mail store's size on disk and the free space beside it, for metrics scrapes: the size needs a walk of the store's
/// directory, so it is remembered for <see cref="MaxAge"/> (a scrape every 15 s must not walk the tree every time); the
/// free space is one statfs and always fresh.
/// </summary>
internal sealed class StorageUsage(string mailDirectory)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private long _usedBytes;
    private long _measuredAt;

    public long UsedBytes()
    {
        lock (_gate)
        {
            if (_measuredAt == 0 || Stopwatch.GetElapsedTime(_measuredAt) > MaxAge)
            {
                _usedBytes = Measure(mailDirectory);
                _measuredAt = Stopwatch.GetTimestamp();
            }

            return _usedBytes;
        }
    }

    public long? FreeBytes()
    {
        try
        {
            return new DriveInfo(mailDirectory).AvailableFreeSpace;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static long Measure(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
