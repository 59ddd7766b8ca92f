namespace FastMail.Core.Mail;

/// <summary>
/// Parses the reverse-path and forward-path of MAIL and RCPT (RFC 5321 4.1.2) from the argument span.
/// Lenient by default like Postfix with strict_rfc821_envelopes=no: blanks after the colon, no angle brackets and
/// unqualified local parts are accepted. Strict mode wants exactly <c>FROM:&lt;local@domain&gt;</c>.
/// </summary>
public static class MailAddressParser
{
    // RFC 5321 4.5.3.1.1 and 4.5.3.1.2.
    private const int MaxLocalPartLength = 64;
    private const int MaxDomainLength = 255;

    /// <summary>
    /// Parses <c>FROM:&lt;path&gt; params</c> (or <c>TO:</c>, given as <paramref name="keyword"/>, lower case with colon).
    /// On success <paramref name="address"/> is the mailbox without brackets or source route (empty for the null
    /// reverse-path <c>&lt;&gt;</c>, allowed only when <paramref name="allowNullPath"/>), and
    /// <paramref name="parameters"/> the ESMTP parameters after it.
    /// </summary>
    public static PathStatus TryParsePath(
        ReadOnlySpan<byte> arguments,
        ReadOnlySpan<byte> keyword,
        bool strict,
        bool allowNullPath,
        out ReadOnlySpan<byte> address,
        out ReadOnlySpan<byte> parameters)
    {
        address = default;
        parameters = default;
        if (arguments.Length < keyword.Length || !System.Text.Ascii.EqualsIgnoreCase(arguments[..keyword.Length], keyword))
        {
            return PathStatus.Syntax;
        }

        var rest = arguments[keyword.Length..];
        if (rest.Length > 0 && rest[0] is (byte)' ' or (byte)'\t')
        {
            if (strict)
            {
                return PathStatus.BadAddress;
            }

            rest = rest.TrimStart(" \t"u8);
        }

        if (rest.IsEmpty)
        {
            return PathStatus.Syntax;
        }

        ReadOnlySpan<byte> path;
        if (rest[0] == (byte)'<')
        {
            var close = IndexOfClosingBracket(rest);
            if (close < 0)
            {
                return PathStatus.BadAddress;
            }

            path = rest[1..close];
            parameters = rest[(close + 1)..];
            if (!parameters.IsEmpty && parameters[0] is not ((byte)' ' or (byte)'\t'))
            {
                return PathStatus.BadAddress;
            }
        }
        else
        {
            if (strict)
            {
                return PathStatus.BadAddress;
            }

            var blank = rest.IndexOfAny(" \t"u8);
            path = blank < 0 ? rest : rest[..blank];
            parameters = blank < 0 ? default : rest[blank..];
        }

        parameters = parameters.Trim(" \t"u8);

        // RFC 5321 4.1.2 / C: a source route "@a,@b:user@c" must be accepted and may be ignored.
        if (!path.IsEmpty && path[0] == (byte)'@')
        {
            var colon = path.IndexOf((byte)':');
            if (colon < 0)
            {
                return PathStatus.BadAddress;
            }

            path = path[(colon + 1)..];
        }

        if (path.IsEmpty)
        {
            return allowNullPath ? PathStatus.Ok : PathStatus.BadAddress;
        }

        if (!IsValidMailbox(path, strict, allowNullPath))
        {
            return PathStatus.BadAddress;
        }

        address = path;
        return PathStatus.Ok;
    }

    /// <summary>Splits a mailbox at its last '@'. An unqualified mailbox has an empty domain.</summary>
    public static void Split(ReadOnlySpan<byte> mailbox, out ReadOnlySpan<byte> localPart, out ReadOnlySpan<byte> domain)
    {
        var at = mailbox.LastIndexOf((byte)'@');
        localPart = at < 0 ? mailbox : mailbox[..at];
        domain = at < 0 ? default : mailbox[(at + 1)..];
    }

    private static bool IsValidMailbox(ReadOnlySpan<byte> mailbox, bool strict, bool isSender)
    {
        Split(mailbox, out var local, out var domain);
        if (!IsValidLocalPart(local))
        {
            return false;
        }

        if (mailbox.LastIndexOf((byte)'@') < 0)
        {
            // RFC 5321 4.5.1: "postmaster" without a domain must be accepted as a recipient.
            return !strict || (!isSender && System.Text.Ascii.EqualsIgnoreCase(local, "postmaster"u8));
        }

        return IsValidDomain(domain);
    }

    private static bool IsValidLocalPart(ReadOnlySpan<byte> local)
    {
        if (local.IsEmpty || local.Length > MaxLocalPartLength)
        {
            return false;
        }

        if (local[0] == (byte)'"')
        {
            return IsValidQuotedString(local);
        }

        // Dot-string (RFC 5321 4.1.2): atoms separated by single dots; bytes >= 0x80 are UTF-8 (RFC 6531).
        var previousWasDot = true;
        foreach (var b in local)
        {
            if (b == (byte)'.')
            {
                if (previousWasDot)
                {
                    return false;
                }

                previousWasDot = true;
                continue;
            }

            if (!IsAtext(b))
            {
                return false;
            }

            previousWasDot = false;
        }

        return !previousWasDot;
    }

    private static bool IsValidQuotedString(ReadOnlySpan<byte> quoted)
    {
        if (quoted.Length < 2 || quoted[^1] != (byte)'"')
        {
            return false;
        }

        var inner = quoted[1..^1];
        for (var i = 0; i < inner.Length; i++)
        {
            var b = inner[i];
            if (b == (byte)'\\')
            {
                // quoted-pairSMTP: backslash followed by any printable ASCII.
                if (++i == inner.Length || inner[i] < 0x20 || inner[i] == 0x7F)
                {
                    return false;
                }
            }
            else if (b == (byte)'"' || b < 0x20 || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidDomain(ReadOnlySpan<byte> domain)
    {
        if (domain.IsEmpty || domain.Length > MaxDomainLength)
        {
            return false;
        }

        if (domain[0] == (byte)'[')
        {
            // Address literal (RFC 5321 4.1.3); its content is checked only for printable ASCII.
            if (domain.Length < 3 || domain[^1] != (byte)']')
            {
                return false;
            }

            foreach (var b in domain[1..^1])
            {
                if (b <= 0x20 || b >= 0x7F || b == (byte)'[' || b == (byte)']' || b == (byte)'\\')
                {
                    return false;
                }
            }

            return true;
        }

        var labelLength = 0;
        foreach (var b in domain)
        {
            if (b == (byte)'.')
            {
                if (labelLength == 0)
                {
                    return false;
                }

                labelLength = 0;
            }
            else if (IsLetterOrDigit(b) || b == (byte)'-' || b >= 0x80)
            {
                labelLength++;
            }
            else
            {
                return false;
            }
        }

        return labelLength > 0;
    }

    private static int IndexOfClosingBracket(ReadOnlySpan<byte> rest)
    {
        var quoted = false;
        for (var i = 1; i < rest.Length; i++)
        {
            var b = rest[i];
            if (quoted)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    quoted = false;
                }
            }
            else if (b == (byte)'"')
            {
                quoted = true;
            }
            else if (b == (byte)'>')
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsLetterOrDigit(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9;

    // RFC 5322 3.2.3 atext, plus UTF-8 (RFC 6531 3.3).
    private static bool IsAtext(byte b) =>
        IsLetterOrDigit(b) || b >= 0x80 || "!#$%&'*+-/=?^_`{|}~"u8.Contains(b);
}
