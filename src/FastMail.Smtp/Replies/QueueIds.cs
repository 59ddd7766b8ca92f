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

    /// <summary>Writes "250 2.0.0 Ok: queued as ID" straight into the connection's buffer, without a string.</summary>
    public static void WriteQueuedReply(IBufferWriter<byte> output, long queueId)
    {
        output.Write(SmtpReplies.QueuedAsPrefix);
        var span = output.GetSpan(FormattedLength + 2);
        var length = Format(queueId, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        output.Advance(length + 2);
    }
}
