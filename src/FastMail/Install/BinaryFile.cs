using System.Runtime.Versioning;

namespace FastMail.Install;

/// <summary>
/// Puts the running binary at /usr/local/bin/fastmail: copied to a temporary name in the same directory, then renamed
/// over the old one, so a running server keeps its (old) file and nobody ever sees half a binary. Equal bytes = no-op.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class BinaryFile
{
    public const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static Change Install(string source, string target)
    {
        var existed = File.Exists(target);
        if (existed && SameBytes(source, target))
        {
            return Change.Unchanged;
        }

        var directory = Path.GetDirectoryName(target)!;
        SystemDirectory.Ensure(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Environment.ProcessId}.new");
        try
        {
            using (var input = File.OpenRead(source))
            using (var output = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Executable }))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temporary, Executable); // the umask may have taken bits from UnixCreateMode
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return existed ? Change.Updated : Change.Created;
    }

    private static bool SameBytes(string a, string b)
    {
        if (Path.GetFullPath(a) == Path.GetFullPath(b))
        {
            return true;
        }

        using var first = File.OpenRead(a);
        using var second = File.OpenRead(b);
        if (first.Length != second.Length)
        {
            return false;
        }

        var left = new byte[81920];
        var right = new byte[81920];
        int read;
        while ((read = first.Read(left)) > 0)
        {
            second.ReadExactly(right.AsSpan(0, read));
            if (!left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What an install step did to one file, as reported to the operator.</summary>
internal enum Change
{
    Unchanged,
    Created,
    Updated,
}
