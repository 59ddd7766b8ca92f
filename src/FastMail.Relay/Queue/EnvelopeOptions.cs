using System.Text;

namespace FastMail.Relay.Queue;

/// <summary>
/// What the stored MAIL FROM parameters ask of the next hop: BODY=8BITMIME, SMTPUTF8, and the DSN parameters RET and
/// ENVID (RFC 3461; ENVID and ORCPT decoded from xtext). The session validated them when the client sent them.
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
                    envelopeId = value is null ? null : Core.Mail.Xtext.Decode(value);
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
                originalRecipient = Core.Mail.Xtext.Decode(value);
            }
        }
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
