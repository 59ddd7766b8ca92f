using System.Runtime.InteropServices;

namespace FastMail.Core.IO;

/// <summary>The real <see cref="IDirectoryCalls"/>: libc open, fsync and close.</summary>
internal sealed partial class LibcDirectoryCalls : IDirectoryCalls
{
    private const int ReadOnly = 0; // O_RDONLY

    public static readonly LibcDirectoryCalls Instance = new();

    public int LastError => Marshal.GetLastPInvokeError();

    public int OpenReadOnly(string path) => Open(path, ReadOnly);

    public int Fsync(int descriptor) => FsyncNative(descriptor);

    public int Close(int descriptor) => CloseNative(descriptor);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncNative(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int descriptor);
}
