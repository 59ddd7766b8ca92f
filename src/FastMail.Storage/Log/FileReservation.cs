using System.Runtime.InteropServices;

namespace FastMail.Storage.Log;

/// <summary>
/// Allocates disk blocks for a file without changing its size (fallocate with FALLOC_FL_KEEP_SIZE): later writes into
/// that range need no new blocks, so they cannot fail with ENOSPC. Linux only; elsewhere reservation is unsupported.
/// </summary>
internal static partial class FileReservation
{
    public enum Result
    {
        Reserved,
        NoSpace,
        Unsupported,
        Failed,
    }

    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int CloseOnExec = 0x80000;
    private const int KeepSize = 0x1;
    private const int Enospc = 28;
    private const int Eopnotsupp = 95;
    private const int Enosys = 38;

    /// <summary>Creates <paramref name="path"/> if missing and reserves <paramref name="length"/> bytes at <paramref name="offset"/> on disk.</summary>
    public static Result Reserve(string path, long offset, long length, out int errno)
    {
        errno = 0;
        if (!OperatingSystem.IsLinux())
        {
            return Result.Unsupported;
        }

        var descriptor = Open(path, WriteOnly | Create | CloseOnExec, Convert.ToInt32("600", 8));
        if (descriptor < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return errno == Enospc ? Result.NoSpace : Result.Failed;
        }

        try
        {
            if (Fallocate(descriptor, KeepSize, offset, length) == 0)
            {
                return Result.Reserved;
            }

            errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                Enospc => Result.NoSpace,
                Eopnotsupp or Enosys => Result.Unsupported,
                _ => Result.Failed,
            };
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int descriptor, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
