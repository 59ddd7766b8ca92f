using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace FastMail.Accounts;

/// <summary>RFC 1939 section 7 APOP: digest = MD5(timestamp + shared secret), in lower-case hex.</summary>
public sealed partial class AccountDirectory
{
    /// <summary>RFC 1939 timestamps are msg-ids from the greeting; anything longer than this is not one of ours.</summary>
    private const int MaxTimestampLength = 512;
    private const int DigestHexLength = 32;

    /// <summary>Hashed instead when the user is unknown or has no secret, so every failure takes the same path.</summary>
    private static readonly byte[] NoSecret = RandomNumberGenerator.GetBytes(16);

    /// <inheritdoc />
    public bool TryApop(ReadOnlySpan<byte> user, ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> digestHex, [NotNullWhen(true)] out string? mailbox)
    {
        mailbox = null;
        if (timestamp.Length > MaxTimestampLength)
        {
            return false;
        }

        var found = TryResolveLogin(user, Current, out var entry);
        var secret = entry?.ApopSecret;

        Span<byte> input = stackalloc byte[MaxTimestampLength + ApopSecrets.MaxLength];
        timestamp.CopyTo(input);
        var key = secret ?? NoSecret;
        key.CopyTo(input[timestamp.Length..]);
        Span<byte> digest = stackalloc byte[16];
#pragma warning disable CA5351 // RFC 1939 defines APOP on MD5; it is the protocol, not our choice of hash
        MD5.HashData(input[..(timestamp.Length + key.Length)], digest);
#pragma warning restore CA5351
        CryptographicOperations.ZeroMemory(input);

        Span<byte> expected = stackalloc byte[DigestHexLength];
        Convert.TryToHexStringLower(digest, expected, out _);

        // Clients should send lower-case hex (RFC 1939 section 7); accept upper case too rather than fail a login over it.
        Span<byte> given = stackalloc byte[DigestHexLength];
        var wellFormed = digestHex.Length == DigestHexLength && Ascii.ToLower(digestHex, given, out _) == System.Buffers.OperationStatus.Done;
        var equal = CryptographicOperations.FixedTimeEquals(expected, given);
        if (!found || secret is null || !wellFormed || !equal)
        {
            return false;
        }

        mailbox = entry!.Name;
        return true;
    }
}
