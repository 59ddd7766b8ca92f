using System.Buffers;
using System.Buffers.Text;

namespace FastMail.Pop3.Replies;

/// <summary>Writes reply pieces into the output without allocating: literals are copied, numbers formatted in place.</summary>
internal static class ReplyWriter
{
    // long.MinValue has 20 characters.
    private const int MaxNumberLength = 20;

    public static void WriteNumber(this IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(MaxNumberLength);
        if (!Utf8Formatter.TryFormat(value, span, out var written))
        {
            throw new InvalidOperationException("GetSpan returned less than it was asked for.");
        }

        output.Advance(written);
    }

    /// <summary>Writes "<paramref name="first"/> <paramref name="second"/>\r\n", the shape of scan and unique-id listings.</summary>
    public static void WritePair(this IBufferWriter<byte> output, long first, long second)
    {
        output.WriteNumber(first);
        output.Write(" "u8);
        output.WriteNumber(second);
        output.Write(Pop3Replies.CrLf);
    }
}
