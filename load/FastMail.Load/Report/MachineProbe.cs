using System.Diagnostics;
using System.Globalization;

namespace FastMail.Load.Report;

/// <summary>
/// How busy the whole machine was over a window, from the first line of /proc/stat (every core's jiffies by state), and
/// how much CPU the load runner itself took. On a machine where the runner and the server share the cores, a tail
/// latency only means something next to this: at 90% busy an open model queues whatever the server does.
/// </summary>
internal static class MachineProbe
{
    /// <summary>The counters at one moment; null fields where /proc/stat cannot be read.</summary>
    public readonly record struct Sample(long? BusyJiffies, long? TotalJiffies, TimeSpan RunnerCpu);

    public static Sample Take()
    {
        var runnerCpu = Process.GetCurrentProcess().TotalProcessorTime;
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return TryParseCpuLine(reader.ReadLine(), out var busy, out var total)
                ? new Sample(busy, total, runnerCpu)
                : new Sample(null, null, runnerCpu);
        }
        catch (IOException)
        {
            return new Sample(null, null, runnerCpu);
        }
        catch (UnauthorizedAccessException)
        {
            return new Sample(null, null, runnerCpu);
        }
    }

    /// <summary>Share of all cores' time that was not idle between two samples (0 to 1); null without /proc/stat.</summary>
    public static double? BusyShare(Sample start, Sample end) =>
        start.BusyJiffies is { } b0 && start.TotalJiffies is { } t0 && end.BusyJiffies is { } b1 && end.TotalJiffies is { } t1 && t1 > t0
            ? (double)(b1 - b0) / (t1 - t0)
            : null;

    /// <summary>
    /// proc(5): "cpu user nice system idle iowait irq softirq steal guest guest_nice". Busy is everything but idle and
    /// iowait (a core waiting for the disk could run something else); guest time is already inside user.
    /// </summary>
    public static bool TryParseCpuLine(string? line, out long busy, out long total)
    {
        busy = total = 0;
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || fields.Length < 8 || fields[0] != "cpu")
        {
            return false;
        }
        for (var i = 1; i <= Math.Min(8, fields.Length - 1); i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }
            total += value;
            if (i != 4 && i != 5)
            {
                busy += value;
            }
        }
        return true;
    }
}
