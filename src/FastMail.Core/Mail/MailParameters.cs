using System.Buffers.Text;
using System.Text;

namespace FastMail.Core.Mail;

/// <summary>
/// Checks the ESMTP parameters of MAIL FROM: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), and the DSN
/// parameters RET and ENVID (RFC 3461 4.3, 4.4). Spans only: nothing is allocated.
/// </summary>
public static class MailParameters
{
    /// <summary>RFC 3461 4.4: "the ENVID esmtp-value MUST NOT be longer than 100 characters".</summary>
    public const int MaxEnvIdLength = 100;

    [Flags]
    private enum Seen : byte
    {
        None = 0,
        Size = 1,
        Body = 2,
        SmtpUtf8 = 4,
        Ret = 8,
        EnvId = 16,
    }

    /// <summary>Validates <paramref name="parameters"/> (blank separated <c>KEY[=VALUE]</c>). Keywords are case-insensitive.</summary>
    public static ParameterStatus Check(ReadOnlySpan<byte> parameters, long maxMessageSize) => Check(parameters, maxMessageSize, out _);

    /// <summary>
    /// Validates <paramref name="parameters"/>; on <see cref="ParameterStatus.Syntax"/>, <paramref name="error"/> says which
    /// parameter was wrong (or that one was repeated). The first problem found wins.
    /// </summary>
    public static ParameterStatus Check(ReadOnlySpan<byte> parameters, long maxMessageSize, out ParameterError error)
    {
        error = ParameterError.None;
        var seen = 0;
        while (EsmtpParameterReader.TryNext(ref parameters, out var key, out var value, out var hasValue))
        {
            Seen which;
            ParameterError valueError;
            bool valid;
            if (Ascii.EqualsIgnoreCase(key, "SIZE"u8))
            {
                which = Seen.Size;
                valueError = ParameterError.Value;

                // RFC 1870: size-value ::= 1*20DIGIT.
                valid = hasValue && !value.IsEmpty && value.Length <= 20 && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
            }
            else if (Ascii.EqualsIgnoreCase(key, "BODY"u8))
            {
                which = Seen.Body;
                valueError = ParameterError.Value;
                valid = hasValue && (Ascii.EqualsIgnoreCase(value, "7BIT"u8) || Ascii.EqualsIgnoreCase(value, "8BITMIME"u8));
            }
            else if (Ascii.EqualsIgnoreCase(key, "SMTPUTF8"u8))
            {
                which = Seen.SmtpUtf8;
                valueError = ParameterError.Value;
                valid = !hasValue;
            }
            else if (Ascii.EqualsIgnoreCase(key, "RET"u8))
            {
                // RFC 3461 4.3: ret-value = "FULL" / "HDRS".
                which = Seen.Ret;
                valueError = ParameterError.Ret;
                valid = hasValue && (Ascii.EqualsIgnoreCase(value, "FULL"u8) || Ascii.EqualsIgnoreCase(value, "HDRS"u8));
            }
            else if (Ascii.EqualsIgnoreCase(key, "ENVID"u8))
            {
                // RFC 3461 4.4: envid-value = xtext, at most 100 characters.
                which = Seen.EnvId;
                valueError = ParameterError.EnvId;
                valid = hasValue && !value.IsEmpty && value.Length <= MaxEnvIdLength && Xtext.IsValid(value);
            }
            else
            {
                return ParameterStatus.Unsupported;
            }

            if (!EsmtpParameterReader.TryAccept(ref seen, (int)which, valid, valueError, out error))
            {
                return ParameterStatus.Syntax;
            }

            if (which == Seen.Size && (!Utf8Parser.TryParse(value, out ulong size, out _) || size > (ulong)maxMessageSize))
            {
                return ParameterStatus.TooBig;
            }
        }

        return ParameterStatus.Ok;
    }
}
