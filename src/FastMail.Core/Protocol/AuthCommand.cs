using System.Buffers;

namespace FastMail.Core.Protocol;

/// <summary>
/// Recognises an AUTH command before its line is complete: its line may exceed the ordinary command limit (an initial
/// response, RFC 4954 4 and RFC 5034 4), so SMTP and POP3 ask this before choosing the limit to read the line with.
/// </summary>
internal static class AuthCommand
{
    private const uint Auth = 'a' | ('u' << 8) | ('t' << 16) | ((uint)'h' << 24);

    /// <summary>True when <paramref name="buffer"/> starts with "AUTH" in any case followed by a space or a tab.</summary>
    public static bool StartsBuffer(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 5)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(head);
        return VerbKey.Read4(head) == Auth && (head[4] == (byte)' ' || head[4] == (byte)'\t');
    }
}
