using System.Globalization;

namespace FastMail.Load.Report;

/// <summary>
/// Reads a server's CPU time and memory from /proc. CPU time covers the given processes and all
/// their descendants: utime+stime of every live process plus cutime+cstime (children already
/// exited and reaped), so a forking server (Postfix smtpd, Dovecot pop3-login) is charged in full.
/// </summary>
internal sealed class ServerProbe
{
    // USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux ABI (times(2)).
    private const double TicksPerSecond = 100;

    private readonly int[] _roots;

    public ServerProbe(int[] roots) => _roots = roots;

    public bool Enabled => _roots.Length > 0;

    /// <summary>CPU seconds used so far by the process trees.</summary>
    public double CpuSeconds()
    {
        long ticks = 0;
        foreach (var pid in TreePids())
        {
            if (TryReadStat(pid, out _, out var cpu))
            {
                ticks += cpu;
            }
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>Sum of VmRSS over the process trees, in KiB.</summary>
    public long RssKib()
    {
        long total = 0;
        foreach (var pid in TreePids())
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        var digits = line.AsSpan(6).Trim();
                        var space = digits.IndexOf(' ');
                        total += long.Parse(space < 0 ? digits : digits[..space], CultureInfo.InvariantCulture);
                        break;
                    }
                }
            }
            catch (IOException)
            {
                // The process exited between listing and reading.
            }
        }
        return total;
    }

    private List<int> TreePids()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && TryReadStat(pid, out var ppid, out _))
            {
                parents[pid] = ppid;
            }
        }
        var result = new List<int>();
        foreach (var (pid, _) in parents)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (Array.IndexOf(_roots, p) >= 0)
                {
                    result.Add(pid);
                    break;
                }
            }
        }
        return result;
    }

    private static bool TryReadStat(int pid, out int ppid, out long cpuTicks)
    {
        ppid = 0;
        cpuTicks = 0;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        // proc(5): "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }
        var fields = text[(close + 2)..].Split(' ');
        // After comm: [0]=state [1]=ppid ... [11]=utime [12]=stime [13]=cutime [14]=cstime.
        if (fields.Length < 15)
        {
            return false;
        }
        ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
        cpuTicks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                 + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        return true;
    }
}
