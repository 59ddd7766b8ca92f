using System.Buffers.Text;
using System.Text;

namespace FastMail.Core.Mail;

/// <summary>Checks the ESMTP parameters of MAIL FROM: SIZE (RFC 1870), BODY (RFC 6152) and SMTPUTF8 (RFC 6531).</summary>
public static class MailParameters
{
    /// <summary>Validates <paramref name="parameters"/> (blank separated <c>KEY[=VALUE]</c>). Keywords are case-insensitive.</summary>
    public static ParameterStatus Check(ReadOnlySpan<byte> parameters, long maxMessageSize)
    {
        while (!parameters.IsEmpty)
        {
            var blank = parameters.IndexOfAny(" \t"u8);
            var token = blank < 0 ? parameters : parameters[..blank];
            parameters = blank < 0 ? default : parameters[blank..].TrimStart(" \t"u8);

            var equals = token.IndexOf((byte)'=');
            var key = equals < 0 ? token : token[..equals];
            var hasValue = equals >= 0;
            var value = hasValue ? token[(equals + 1)..] : default;

            if (Ascii.EqualsIgnoreCase(key, "SIZE"u8))
            {
                // RFC 1870: size-value ::= 1*20DIGIT.
                if (!hasValue || value.IsEmpty || value.Length > 20 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
                {
                    return ParameterStatus.Syntax;
                }

                if (!Utf8Parser.TryParse(value, out ulong size, out _) || size > (ulong)maxMessageSize)
                {
                    return ParameterStatus.TooBig;
                }
            }
            else if (Ascii.EqualsIgnoreCase(key, "BODY"u8))
            {
                if (!hasValue || !(Ascii.EqualsIgnoreCase(value, "7BIT"u8) || Ascii.EqualsIgnoreCase(value, "8BITMIME"u8)))
                {
                    return ParameterStatus.Syntax;
                }
            }
            else if (Ascii.EqualsIgnoreCase(key, "SMTPUTF8"u8))
            {
                if (hasValue)
                {
                    return ParameterStatus.Syntax;
                }
            }
            else
            {
                return ParameterStatus.Unsupported;
            }
        }

        return ParameterStatus.Ok;
    }
}
