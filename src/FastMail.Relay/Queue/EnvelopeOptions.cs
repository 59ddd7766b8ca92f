using System.Text;

namespace FastMail.Relay.Queue;

/// <summary>
/// What the stored MAIL FROM parameters ask of the next hop: BODY=8BITMIME, SMTPUTF8, and the DSN parameters RET and
/// ENVID (RFC 3461; ENVID decoded from xtext). The session validated them when the client sent them.
/// </summary>
internal sealed record EnvelopeOptions(bool EightBitMime, bool SmtpUtf8, string? Ret, string? EnvelopeId)
{
    public static EnvelopeOptions Parse(ReadOnlySpan<byte> parameters)
    {
        bool eightBit = false, utf8 = false;
        string? ret = null, envelopeId = null;
        foreach (var (key, value) in Split(parameters))
        {
            switch (key.ToUpperInvariant())
            {
                case "BODY":
                    eightBit = string.Equals(value, "8BITMIME", StringComparison.OrdinalIgnoreCase);
                    break;
                case "SMTPUTF8":
                    utf8 = true;
                    break;
                case "RET":
                    ret = value?.ToUpperInvariant();
                    break;
                case "ENVID":
                    envelopeId = value is null ? null : DecodeXtext(value);
                    break;
            }
        }

        return new EnvelopeOptions(eightBit, utf8, ret, envelopeId);
    }

    /// <summary>NOTIFY as given (upper case) and ORCPT as "type;address" with its xtext decoded.</summary>
    public static void ParseRecipient(ReadOnlySpan<byte> parameters, out string? notify, out string? originalRecipient)
    {
        notify = null;
        originalRecipient = null;
        foreach (var (key, value) in Split(parameters))
        {
            if (string.Equals(key, "NOTIFY", StringComparison.OrdinalIgnoreCase))
            {
                notify = value?.ToUpperInvariant();
            }
            else if (string.Equals(key, "ORCPT", StringComparison.OrdinalIgnoreCase) && value is not null)
            {
                originalRecipient = DecodeXtext(value);
            }
        }
    }

    /// <summary>RFC 3461 4: "+" followed by two upper-case hex digits stands for that octet.</summary>
    public static string DecodeXtext(string value)
    {
        if (!value.Contains('+', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '+' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static List<(string Key, string? Value)> Split(ReadOnlySpan<byte> parameters)
    {
        var result = new List<(string, string?)>();
        foreach (var token in Encoding.UTF8.GetString(parameters).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            result.Add(equals < 0 ? (token, null) : (token[..equals], token[(equals + 1)..]));
        }

        return result;
    }
}
