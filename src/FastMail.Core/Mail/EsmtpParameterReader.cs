namespace FastMail.Core.Mail;

/// <summary>Splits the ESMTP parameters of MAIL or RCPT (RFC 5321 4.1.2: blank separated <c>KEY[=VALUE]</c>) on spans.</summary>
internal static class EsmtpParameterReader
{
    /// <summary>Takes the next parameter off <paramref name="parameters"/>; false when none is left.</summary>
    public static bool TryNext(ref ReadOnlySpan<byte> parameters, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out bool hasValue)
    {
        if (parameters.IsEmpty)
        {
            key = value = default;
            hasValue = false;
            return false;
        }

        var blank = parameters.IndexOfAny(" \t"u8);
        var token = blank < 0 ? parameters : parameters[..blank];
        parameters = blank < 0 ? default : parameters[blank..].TrimStart(" \t"u8);

        var equals = token.IndexOf((byte)'=');
        key = equals < 0 ? token : token[..equals];
        hasValue = equals >= 0;
        value = hasValue ? token[(equals + 1)..] : default;
        return true;
    }

    /// <summary>
    /// Records parameter <paramref name="which"/> (one bit) in <paramref name="seen"/>: false with <paramref name="error"/>
    /// set when it was given before (<see cref="ParameterError.Duplicate"/>) or its value is not valid.
    /// </summary>
    public static bool TryAccept(ref int seen, int which, bool valid, ParameterError valueError, out ParameterError error)
    {
        error = (seen & which) != 0 ? ParameterError.Duplicate : valid ? ParameterError.None : valueError;
        seen |= which;
        return error == ParameterError.None;
    }
}
