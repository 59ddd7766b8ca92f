using System.Text;

namespace FastMail.Core.Diagnostics;

/// <summary>
/// Turns text a client sent (HELO name, addresses, command arguments) into a value safe for a log line: no CR, LF
/// or other control character (C0, DEL, C1, the Unicode line and paragraph separators), invalid UTF-8 shown as U+FFFD,
/// and at most <see cref="MaxLength"/> characters. A client can then neither forge a second log line nor flood one.
/// Allocates the string: call it only once the log level is known to be enabled.
/// </summary>
public static class LogText
{
    /// <summary>Longest value kept (a domain is at most 255 octets, RFC 5321 4.5.3.1.2); longer ones end in "...".</summary>
    public const int MaxLength = 256;

    public static string From(ReadOnlySpan<byte> utf8, int maxLength = MaxLength)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        var cut = utf8.Length > maxLength * 4 ? utf8[..(maxLength * 4)] : utf8;
        return From(Encoding.UTF8.GetString(cut), maxLength);
    }

    public static string From(string? text, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var truncated = text.Length > maxLength;
        var length = truncated ? maxLength : text.Length;
        if (!truncated && !NeedsReplacing(text))
        {
            return text;
        }

        return string.Create(length + (truncated ? 3 : 0), (text, length, truncated), static (destination, state) =>
        {
            for (var i = 0; i < state.length; i++)
            {
                var c = state.text[i];
                destination[i] = IsUnsafe(c) ? '?' : c;
            }

            if (state.truncated)
            {
                "...".AsSpan().CopyTo(destination[state.length..]);
            }
        });
    }

    /// <summary>An SMTP or POP3 reply as one value: the line break at its end dropped, anything unsafe replaced.</summary>
    public static string Reply(ReadOnlySpan<byte> reply) => From(reply.TrimEnd("\r\n"u8), 512);

    private static bool NeedsReplacing(string text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    // C0 controls and DEL, C1 controls (NEL U+0085 breaks lines in some viewers), U+2028/U+2029. Invalid UTF-8 was
    // already decoded to U+FFFD, so no lone surrogate reaches here from the network.
    private static bool IsUnsafe(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
}
