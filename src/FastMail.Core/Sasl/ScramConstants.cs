namespace FastMail.Core.Sasl;

/// <summary>Limits of the SCRAM-SHA-256 server.</summary>
public static class ScramConstants
{
    /// <summary>RFC 7677 section 4: the iteration count SHOULD be at least 4096. Accounts hashed with fewer cannot use SCRAM.</summary>
    public const int MinimumIterations = 4096;

    /// <summary>Longest client-first or client-final message accepted; real ones are well under 300 octets.</summary>
    internal const int MaxMessageLength = 2048;

    /// <summary>Longest client nonce accepted.</summary>
    internal const int MaxClientNonceLength = 512;

    /// <summary>Random bytes in the server nonce part (24 base64 characters).</summary>
    internal const int ServerNonceBytes = 18;

    /// <summary>Longest salt a verifier may carry (the accounts use 16 bytes).</summary>
    internal const int MaxSaltLength = 64;
}
