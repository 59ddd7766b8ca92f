namespace FastMail.Core.Sasl;

/// <summary>Small pieces of the RFC 5802 section 7 grammar.</summary>
internal static class ScramSyntax
{
    /// <summary>
    /// saslname: "=2C" stands for ',' and "=3D" for '='; any other '=' is invalid (RFC 5802 section 5.1, "n").
    /// False when malformed, empty, or longer than <paramref name="destination"/>.
    /// </summary>
    public static bool TryUnescapeName(ReadOnlySpan<byte> escaped, Span<byte> destination, out int length)
    {
        length = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            if (length == destination.Length)
            {
                return false;
            }

            var c = escaped[i];
            if (c == (byte)'=')
            {
                if (i + 2 >= escaped.Length)
                {
                    return false;
                }

                var code = escaped.Slice(i + 1, 2);
                if (code.SequenceEqual("2C"u8))
                {
                    c = (byte)',';
                }
                else if (code.SequenceEqual("3D"u8))
                {
                    c = (byte)'=';
                }
                else
                {
                    return false;
                }

                i += 2;
            }
            else if (c == 0)
            {
                return false;
            }

            destination[length++] = c;
        }

        return length > 0;
    }

    /// <summary>RFC 5802 section 7: c-nonce = printable = %x21-2B / %x2D-7E (visible ASCII except ',').</summary>
    public static bool IsValidNonce(ReadOnlySpan<byte> nonce)
    {
        if (nonce.IsEmpty || nonce.Length > ScramConstants.MaxClientNonceLength)
        {
            return false;
        }

        foreach (var c in nonce)
        {
            if (c < 0x21 || c > 0x7E || c == (byte)',')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value of a leading "x=value" attribute up to the next ',' (or the end); false if the attribute is not <paramref name="name"/>.</summary>
    public static bool TryTakeAttribute(ref ReadOnlySpan<byte> message, byte name, out ReadOnlySpan<byte> value, bool last = false)
    {
        value = default;
        if (message.Length < 2 || message[0] != name || message[1] != (byte)'=')
        {
            return false;
        }

        var comma = message.IndexOf((byte)',');
        if (comma < 0)
        {
            if (!last)
            {
                return false;
            }

            value = message[2..];
            message = default;
            return true;
        }

        value = message[2..comma];
        message = message[(comma + 1)..];
        return true;
    }

    /// <summary>
    /// What follows the nonce: nothing, or extensions (attr-val = ALPHA "=" value, RFC 5802 section 7), which are ignored.
    /// A trailing ',' with nothing after it is malformed.
    /// </summary>
    public static bool IsValidExtensionList(ReadOnlySpan<byte> rest, byte lastByteOfMessage)
    {
        if (rest.IsEmpty)
        {
            return lastByteOfMessage != (byte)',';
        }

        return rest.Length >= 2 && char.IsAsciiLetter((char)rest[0]) && rest[1] == (byte)'=';
    }
}
