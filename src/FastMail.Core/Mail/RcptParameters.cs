using System.Text;

namespace FastMail.Core.Mail;

/// <summary>
/// Checks the ESMTP parameters of RCPT TO: the DSN parameters NOTIFY and ORCPT (RFC 3461 4.1, 4.2). Spans only: nothing
/// is allocated. Any other keyword is unsupported (555 5.5.4, RFC 5321 4.1.1.11).
/// </summary>
public static class RcptParameters
{
    /// <summary>
    /// Longest ORCPT value accepted (addr-type, ";" and the xtext). RFC 3461 4.2 sets no number; this bound is ours,
    /// in the spirit of ENVID's 100 characters (4.4): it keeps what is stored per recipient small whatever the
    /// configured command line length.
    /// </summary>
    public const int MaxOrcptLength = 500;

    [Flags]
    private enum Seen : byte
    {
        None = 0,
        Notify = 1,
        Orcpt = 2,
    }

    [Flags]
    private enum Notify : byte
    {
        None = 0,
        Never = 1,
        Success = 2,
        Failure = 4,
        Delay = 8,
    }

    /// <summary>
    /// Validates <paramref name="parameters"/> (blank separated <c>KEY=VALUE</c>, keywords case-insensitive); on
    /// <see cref="ParameterStatus.Syntax"/>, <paramref name="error"/> says which parameter was wrong or repeated.
    /// </summary>
    public static ParameterStatus Check(ReadOnlySpan<byte> parameters, out ParameterError error)
    {
        error = ParameterError.None;
        var seen = 0;
        while (EsmtpParameterReader.TryNext(ref parameters, out var key, out var value, out var hasValue))
        {
            Seen which;
            ParameterError valueError;
            bool valid;
            if (Ascii.EqualsIgnoreCase(key, "NOTIFY"u8))
            {
                which = Seen.Notify;
                valueError = ParameterError.Notify;
                valid = hasValue && IsNotifyList(value);
            }
            else if (Ascii.EqualsIgnoreCase(key, "ORCPT"u8))
            {
                which = Seen.Orcpt;
                valueError = ParameterError.Orcpt;
                valid = hasValue && IsOriginalRecipient(value);
            }
            else
            {
                return ParameterStatus.Unsupported;
            }

            if (!EsmtpParameterReader.TryAccept(ref seen, (int)which, valid, valueError, out error))
            {
                return ParameterStatus.Syntax;
            }
        }

        return ParameterStatus.Ok;
    }

    // RFC 3461 4.1: notify-esmtp-value = "NEVER" / 1#notify-list-element, notify-list-element = "SUCCESS" / "FAILURE" / "DELAY".
    // Each element at most once; NEVER only alone.
    private static bool IsNotifyList(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        var seen = Notify.None;
        while (true)
        {
            var comma = value.IndexOf((byte)',');
            var element = comma < 0 ? value : value[..comma];
            Notify which;
            if (Ascii.EqualsIgnoreCase(element, "NEVER"u8))
            {
                which = Notify.Never;
            }
            else if (Ascii.EqualsIgnoreCase(element, "SUCCESS"u8))
            {
                which = Notify.Success;
            }
            else if (Ascii.EqualsIgnoreCase(element, "FAILURE"u8))
            {
                which = Notify.Failure;
            }
            else if (Ascii.EqualsIgnoreCase(element, "DELAY"u8))
            {
                which = Notify.Delay;
            }
            else
            {
                return false; // unknown or empty element
            }

            if ((seen & which) != 0)
            {
                return false;
            }

            seen |= which;
            if (comma < 0)
            {
                return (seen & Notify.Never) == 0 || seen == Notify.Never;
            }

            value = value[(comma + 1)..];
        }
    }

    // RFC 3461 4.2: orcpt-value = addr-type ";" xtext, addr-type = atom (RFC 5322 atext); "rfc822" is the common one.
    private static bool IsOriginalRecipient(ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxOrcptLength)
        {
            return false;
        }

        var semicolon = value.IndexOf((byte)';');
        if (semicolon <= 0)
        {
            return false;
        }

        var address = value[(semicolon + 1)..];
        return IsAtom(value[..semicolon]) && !address.IsEmpty && Xtext.IsValid(address);
    }

    private static bool IsAtom(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            // RFC 5322 3.2.3 atext: ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~".
            var atext = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "!#$%&'*+-/=?^_`{|}~"u8.Contains(b);
            if (!atext)
            {
                return false;
            }
        }

        return true;
    }
}
