namespace FastMail.Accounts;

/// <summary>Rules for RFC 1939 APOP shared secrets.</summary>
public static class ApopSecrets
{
    /// <summary>Longest secret accepted; RFC 1939 sets no limit, this keeps the MD5 input on the stack.</summary>
    public const int MaxLength = 255;

    /// <summary>What a valid secret looks like, for error messages.</summary>
    public const string Rule = "1-255 printable ASCII characters (space allowed)";

    /// <summary>True for 1-255 printable ASCII characters: clients type the secret, and MD5 is over its octets.</summary>
    public static bool IsValid(ReadOnlySpan<char> secret)
    {
        if (secret.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in secret)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
