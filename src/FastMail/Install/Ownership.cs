using System.Runtime.InteropServices;

namespace FastMail.Install;

/// <summary>chown(2): .NET sets modes (File.SetUnixFileMode) but has no API for the owner.</summary>
internal static partial class Ownership
{
    public static void Set(string path, uint user, uint group)
    {
        if (Chown(path, user, group) != 0)
        {
            throw new IOException($"cannot change the owner of {path}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
