namespace FastMail.Pop3.Parsing;

/// <summary>Reads space-separated arguments (RFC 1939 3) from the rest of a command line, leniently about extra spaces.</summary>
internal static class ArgumentReader
{
    /// <summary>Takes the next token off <paramref name="rest"/>; false when only spaces remain.</summary>
    public static bool TryReadToken(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        rest = rest.TrimStart(" \t"u8);
        if (rest.IsEmpty)
        {
            token = default;
            return false;
        }

        var end = rest.IndexOfAny(" \t"u8);
        token = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[end..];
        return true;
    }

    /// <summary>True when nothing but spaces is left.</summary>
    public static bool IsEnd(ReadOnlySpan<byte> rest) => rest.TrimStart(" \t"u8).IsEmpty;

    /// <summary>
    /// Parses a non-negative decimal number. Values above <see cref="int.MaxValue"/> saturate to it, which no
    /// mailbox reaches, so "RETR 99999999999" is "no such message" rather than a syntax error.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> token, out int value)
    {
        value = 0;
        if (token.IsEmpty)
        {
            return false;
        }

        long accumulator = 0;
        foreach (var b in token)
        {
            var digit = b - (byte)'0';
            if ((uint)digit > 9)
            {
                value = 0;
                return false;
            }

            accumulator = Math.Min((accumulator * 10) + digit, int.MaxValue);
        }

        value = (int)accumulator;
        return true;
    }
}
