namespace FastMail.Core.Mail;

/// <summary>
/// The xtext encoding of DSN parameter values (RFC 3461 4): printable US-ASCII "!" to "~" except "+" and "=" stand for
/// themselves, every other octet is "+" and two upper-case hex digits. Checks and decodes spans without allocating.
/// </summary>
public static class Xtext
{
    /// <summary>True when <paramref name="value"/> is well-formed xtext (empty included).</summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b == (byte)'+')
            {
                // RFC 3461 4: hexchar = "+" 2(%x30-39 / %x41-46); lower-case hex is not xtext.
                if (i + 2 >= value.Length)
                {
                    return false;
                }

                if (!IsUpperHex(value[i + 1]) || !IsUpperHex(value[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (b < (byte)'!' || b > (byte)'~' || b == (byte)'=')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes <paramref name="value"/> into <paramref name="destination"/> (which needs at most as many bytes as the
    /// input). False when the input is not xtext or the destination is too small.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, Span<byte> destination, out int written)
    {
        written = 0;
        if (!IsValid(value))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (written == destination.Length)
            {
                written = 0;
                return false;
            }

            var b = value[i];
            if (b == (byte)'+')
            {
                b = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                i += 2;
            }

            destination[written++] = b;
        }

        return true;
    }

    private static bool IsUpperHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : b - 'A' + 10;
}
