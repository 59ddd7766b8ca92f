using System.Buffers.Text;
using System.Text;

namespace FastMail.Smtp.Parsing;

/// <summary>What <see cref="BdatArguments.Parse"/> made of a BDAT line.</summary>
internal enum BdatStatus : byte
{
    Ok,

    /// <summary>The size was read, the rest is wrong: 501, and the chunk is still read and discarded.</summary>
    Syntax,

    /// <summary>No usable size: the end of the chunk cannot be found, so the session cannot go on (RFC 3030 2).</summary>
    SizeUnreadable,
}

/// <summary>The arguments of <c>BDAT chunk-size [LAST]</c> (RFC 3030 2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ]).</summary>
internal static class BdatArguments
{
    // 18 digits always fit in a long; a larger chunk than 10^18 - 1 octets is not a chunk anyone sends.
    private const int MaxSizeDigits = 18;

    public static BdatStatus Parse(ReadOnlySpan<byte> arguments, out long size, out bool last)
    {
        size = 0;
        last = false;
        var blank = arguments.IndexOfAny(" \t"u8);
        var digits = blank < 0 ? arguments : arguments[..blank];

        // RFC 3030 2: chunk-size = 1*DIGIT.
        if (digits.IsEmpty || digits.Length > MaxSizeDigits || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !Utf8Parser.TryParse(digits, out size, out var consumed) || consumed != digits.Length)
        {
            size = 0;
            return BdatStatus.SizeUnreadable;
        }

        if (blank < 0)
        {
            return BdatStatus.Ok;
        }

        // end-marker = "LAST", case-insensitive like every SMTP keyword.
        last = Ascii.EqualsIgnoreCase(arguments[blank..].TrimStart(" \t"u8), "LAST"u8);
        return last ? BdatStatus.Ok : BdatStatus.Syntax;
    }
}
