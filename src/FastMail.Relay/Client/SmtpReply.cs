namespace FastMail.Relay.Client;

/// <summary>An SMTP reply: the three-digit code and the text of all lines joined with <c>\n</c> (code and separator
/// removed, the enhanced status code kept at the start of the text when the peer sent one).</summary>
public sealed record SmtpReply(int Code, string Text)
{
    /// <summary>2xx.</summary>
    public bool IsPositive => Code is >= 200 and < 300;

    /// <summary>4xx.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>5xx.</summary>
    public bool IsPermanent => Code is >= 500 and < 600;

    /// <summary>The RFC 3463 enhanced status code at the start of the text (<c>2.1.5</c>) when its class matches the
    /// reply code's first digit (RFC 2034 3), else null.</summary>
    public string? EnhancedCode
    {
        get
        {
            var text = Text.AsSpan();
            var end = text.IndexOfAny(' ', '\n');
            var candidate = end < 0 ? text : text[..end];
            if (candidate.Length < 5 || candidate[0] - '0' != Code / 100 || candidate[1] != '.')
            {
                return null;
            }

            var dots = 0;
            var digits = 0;
            foreach (var c in candidate[1..])
            {
                if (c == '.')
                {
                    if (digits == 0 && dots > 0)
                    {
                        return null;
                    }

                    dots++;
                    digits = 0;
                }
                else if (char.IsAsciiDigit(c) && ++digits <= 3)
                {
                    continue;
                }
                else
                {
                    return null;
                }
            }

            return dots == 2 && digits > 0 ? candidate.ToString() : null;
        }
    }

    /// <summary>The reply as a peer would write it (first line only is enough for logs): <c>250 2.0.0 ok</c>.</summary>
    public override string ToString() => $"{Code} {Text.Replace("\n", " / ", StringComparison.Ordinal)}";
}
