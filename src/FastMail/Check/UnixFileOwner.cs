using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastMail.Check;

/// <summary>Who owns a file and who we are: .NET has no API for a file's owner, so statx(2) and geteuid(2) directly.</summary>
internal static partial class UnixFileOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;

    // struct statx: stx_mask u32, stx_blksize u32, stx_attributes u64, stx_nlink u32, stx_uid u32 (offset 20); 256 bytes in all.
    private const int UidOffset = 20;

    public static uint CurrentUser => GetEffectiveUserId();

    /// <summary>The owner's uid of <paramref name="path"/>, or null when it cannot be read.</summary>
    public static unsafe uint? Of(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxUid, buffer) != 0)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer + UidOffset, 4));
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
