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

    /// <summary>RFC 3461 4: printable ASCII except "+" and "=" as is, every other UTF-8 octet as "+XX".</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x21 and <= 0x7e and not (byte)'+' and not (byte)'=')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('+').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The text an xtext value stands for ("+XX" octets decoded, read as UTF-8). Lenient, for values a session already
    /// validated: a "+" not followed by two upper-case hex digits stays as it is.
    /// </summary>
    public static string Decode(string xtext)
    {
        ArgumentNullException.ThrowIfNull(xtext);
        if (!xtext.Contains('+', StringComparison.Ordinal))
        {
            return xtext;
        }

        var input = System.Text.Encoding.UTF8.GetBytes(xtext);
        var output = new byte[input.Length];
        var written = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'+' && i + 2 < input.Length && IsUpperHex(input[i + 1]) && IsUpperHex(input[i + 2]))
            {
                output[written++] = (byte)((HexValue(input[i + 1]) << 4) | HexValue(input[i + 2]));
                i += 2;
            }
            else
            {
                output[written++] = input[i];
            }
        }

        return System.Text.Encoding.UTF8.GetString(output, 0, written);
    }

    private static bool IsUpperHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= (byte)'9' ? b - '0' : b - 'A' + 10;
}
