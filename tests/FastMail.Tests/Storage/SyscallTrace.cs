using System.Text.RegularExpressions;

namespace FastMail.Tests.Storage;

/// <summary>An strace -f log as a list of completed calls (unfinished/resumed halves joined), and the durability checks on it.</summary>
internal sealed partial class SyscallTrace
{
    private const int OSync = 1;
    private const int ODsync = 2;

    private SyscallTrace(List<Call> calls) => Calls = calls;

    public List<Call> Calls { get; }

    public static SyscallTrace Parse(IEnumerable<string> lines)
    {
        var pending = new Dictionary<string, string>();
        var calls = new List<Call>();
        foreach (var raw in lines)
        {
            var line = raw;
            var unfinished = Unfinished().Match(line);
            if (unfinished.Success)
            {
                pending[unfinished.Groups[1].Value] = unfinished.Groups[2].Value;
                continue;
            }

            var resumed = Resumed().Match(line);
            if (resumed.Success && pending.Remove(resumed.Groups[1].Value, out var head))
            {
                line = resumed.Groups[1].Value + "  " + head + resumed.Groups[3].Value;
            }

            var call = Complete().Match(line);
            if (call.Success)
            {
                calls.Add(new Call(call.Groups[2].Value, call.Groups[3].Value, long.TryParse(call.Groups[4].Value, out var result) ? result : -1));
            }
        }

        return new SyscallTrace(calls);
    }

    /// <summary>
    /// Checks the calls before the first write of "ACK": every write to a file under <paramref name="dataDirectory"/>
    /// is through an O_SYNC/O_DSYNC descriptor or followed by fsync/fdatasync of that descriptor; every file or
    /// directory created under it has its parent directory fsync'd after the creation, the commit metadata slots
    /// included (SlotCommitManager creates them once and syncs their directory).
    /// </summary>
    public List<string> FindDurabilityViolations(string dataDirectory, out int logWrites)
    {
        var root = dataDirectory.TrimEnd('/') + "/";
        var ack = Calls.FindIndex(c => c.Name == "write" && c.Arguments.Contains("\"ACK ", StringComparison.Ordinal));
        var violations = new List<string>();
        logWrites = 0;
        if (ack < 0)
        {
            violations.Add("no ACK write in the trace");
            ack = Calls.Count;
        }

        var open = new Dictionary<long, (string Path, int Flags, int Index)>();
        var unsynced = new Dictionary<long, List<string>>();
        var created = new List<(string Path, int Index)>();
        var directorySyncs = new List<(string Path, int Index)>();
        for (var i = 0; i < ack; i++)
        {
            var call = Calls[i];
            switch (call.Name)
            {
                case "openat" or "open" or "creat":
                    var path = FirstString(call.Arguments);
                    if (call.Result >= 0 && path is not null)
                    {
                        open[call.Result] = (path, Flags(call.Arguments), i);
                        if (call.Arguments.Contains("O_CREAT", StringComparison.Ordinal) && path.StartsWith(root, StringComparison.Ordinal) && !created.Exists(c => c.Path == path))
                        {
                            created.Add((path, i));
                        }
                    }

                    break;
                case "mkdir" or "mkdirat":
                    if (call.Result == 0 && FirstString(call.Arguments) is { } directory && directory.StartsWith(root, StringComparison.Ordinal))
                    {
                        created.Add((directory, i));
                    }

                    break;
                case "close":
                    var closing = FirstNumber(call.Arguments);
                    if (unsynced.Remove(closing, out var lost))
                    {
                        violations.AddRange(lost.Select(w => w + " was closed without fsync"));
                    }

                    open.Remove(closing);
                    break;
                case "write" or "pwrite64" or "pwritev" or "pwritev2" or "writev":
                    var fd = FirstNumber(call.Arguments);
                    if (open.TryGetValue(fd, out var file) && file.Path.StartsWith(root, StringComparison.Ordinal))
                    {
                        if (Path.GetFileName(file.Path).StartsWith("mail.log.", StringComparison.Ordinal))
                        {
                            logWrites++;
                        }

                        if ((file.Flags & (OSync | ODsync)) == 0)
                        {
                            if (!unsynced.TryGetValue(fd, out var list))
                            {
                                unsynced[fd] = list = [];
                            }

                            list.Add($"{call.Name} #{i} to {file.Path} (opened without O_SYNC/O_DSYNC)");
                        }
                    }

                    break;
                case "fsync" or "fdatasync":
                    var synced = FirstNumber(call.Arguments);
                    unsynced.Remove(synced);
                    if (call.Result == 0 && open.TryGetValue(synced, out var target))
                    {
                        directorySyncs.Add((target.Path.TrimEnd('/'), i));
                    }

                    break;
                default:
                    break;
            }
        }

        foreach (var writes in unsynced.Values)
        {
            violations.AddRange(writes.Select(w => w + " was never fsync'd before the ACK"));
        }

        foreach (var (path, index) in created)
        {
            var parent = Path.GetDirectoryName(path)!;
            if (!directorySyncs.Exists(s => s.Path == parent && s.Index > index))
            {
                violations.Add($"{path} was created (#{index}) but its directory {parent} was never fsync'd after that before the ACK");
            }
        }

        return violations;
    }

    private static int Flags(string arguments) =>
        (arguments.Contains("O_SYNC", StringComparison.Ordinal) ? OSync : 0) | (arguments.Contains("O_DSYNC", StringComparison.Ordinal) ? ODsync : 0);

    private static string? FirstString(string arguments)
    {
        var match = QuotedString().Match(arguments);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static long FirstNumber(string arguments)
    {
        var match = LeadingNumber().Match(arguments);
        return match.Success ? long.Parse(match.Groups[1].Value) : -1;
    }

    [GeneratedRegex(@"^(\d+)\s+(.*) <unfinished \.\.\.>$")]
    private static partial Regex Unfinished();

    [GeneratedRegex(@"^(\d+)\s+<\.\.\. (\w+) resumed>(.*)$")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"^(\d+)\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)")]
    private static partial Regex Complete();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"^\s*(\d+)")]
    private static partial Regex LeadingNumber();

    internal sealed record Call(string Name, string Arguments, long Result);
}
