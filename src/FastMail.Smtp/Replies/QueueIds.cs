using System.Buffers;
using System.Buffers.Text;

namespace FastMail.Smtp.Replies;

/// <summary>
/// Queue ids shown in "queued as" and in the Received header. Seeded from the clock so ids from different runs do
/// not collide; an increment per message keeps them unique and ordered within a run.
/// </summary>
internal static class QueueIds
{
    public const int FormattedLength = 16;

    private static long s_last = DateTime.UtcNow.Ticks;

    public static long Next() => Interlocked.Increment(ref s_last);

    public static int Format(long id, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(id, destination, out var written, new StandardFormat('X', FormattedLength));
        return written;
    }
}
