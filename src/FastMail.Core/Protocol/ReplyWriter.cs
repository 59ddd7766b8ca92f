using System.Buffers;
using System.Buffers.Text;

namespace FastMail.Core.Protocol;

/// <summary>Writes composed replies straight into the connection's buffer writer: literals copied, numbers formatted in place.</summary>
internal static class ReplyWriter
{
    // long.MinValue has 20 characters.
    private const int MaxNumberLength = 20;

    /// <summary>Writes a decimal number (RFC 1939 "+OK 2 320", SMTP sizes) without a string.</summary>
    public static void WriteNumber(this IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(MaxNumberLength);
        if (!Utf8Formatter.TryFormat(value, span, out var written))
        {
            throw new InvalidOperationException("GetSpan returned less than it was asked for.");
        }

        output.Advance(written);
    }

    /// <summary>Writes "<paramref name="first"/> <paramref name="second"/>\r\n", the shape of POP3 scan and unique-id listings.</summary>
    public static void WritePair(this IBufferWriter<byte> output, long first, long second)
    {
        output.WriteNumber(first);
        output.Write(" "u8);
        output.WriteNumber(second);
        output.Write("\r\n"u8);
    }

    /// <summary>Writes "prefix text suffix": a reply that quotes something (an address, a name) between two literals.</summary>
    public static void WriteQuoting(this IBufferWriter<byte> output, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> text, ReadOnlySpan<byte> suffix)
    {
        output.Write(prefix);
        output.Write(text);
        output.Write(suffix);
    }
}
