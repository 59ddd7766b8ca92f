using System.Buffers.Text;

namespace FastMail.Pop3.Session;

/// <summary>
/// RFC 1939 7: the APOP greeting carries a timestamp "&lt;process-ID.clock@hostname&gt;" that must differ for
/// every greeting. A process-wide counter after the clock keeps it unique even within one millisecond.
/// </summary>
internal static class ApopTimestamp
{
    private static long s_counter;

    /// <summary>Longest timestamp without the host name: brackets, '.', '.', '@' and three 20-digit numbers.</summary>
    public const int MaxLengthWithoutHost = 5 + (3 * 20);

    /// <summary>Formats a fresh timestamp into <paramref name="destination"/> and returns its length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> hostName, TimeProvider time)
    {
        var counter = Interlocked.Increment(ref s_counter);
        var length = 0;
        destination[length++] = (byte)'<';
        length += Format(Environment.ProcessId, destination[length..]);
        destination[length++] = (byte)'.';
        length += Format(time.GetUtcNow().ToUnixTimeMilliseconds(), destination[length..]);
        destination[length++] = (byte)'.';
        length += Format(counter, destination[length..]);
        destination[length++] = (byte)'@';
        hostName.CopyTo(destination[length..]);
        length += hostName.Length;
        destination[length++] = (byte)'>';
        return length;
    }

    private static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }
}
