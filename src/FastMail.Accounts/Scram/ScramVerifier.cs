using FastMail.Core.Sasl;

namespace FastMail.Accounts.Scram;

/// <summary>
/// SCRAM-SHA-256 verifiers from the stored password hashes. A <c>$pbkdf2-sha256$</c> hash holds PBKDF2-HMAC-SHA256 with a
/// 32-byte output, which is exactly what RFC 5802 section 3 calls SaltedPassword = Hi(password, salt, i). So StoredKey and
/// ServerKey derive from the hash alone and SCRAM works for every existing account without keeping plaintext. The flip side:
/// the stored hash is a password equivalent for SCRAM (whoever reads it can log in with SCRAM without knowing the
/// password), so accounts.json must stay as protected as it is (mode 0600, owned by the server user).
/// </summary>
internal static class ScramVerifier
{
    /// <summary>False when the hash is malformed.</summary>
    public static bool TryCreate(string mailbox, string passwordHash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScramCredentials? credentials)
    {
        Span<byte> salt = stackalloc byte[64];
        Span<byte> saltedPassword = stackalloc byte[PasswordHasher.KeySize];
        credentials = null;
        if (!PasswordHasher.TryParse(passwordHash, out var iterations, salt, out var saltLength, saltedPassword))
        {
            return false;
        }

        credentials = ScramCredentials.FromSaltedPassword(mailbox, salt[..saltLength].ToArray(), iterations, saltedPassword);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(saltedPassword);
        return true;
    }
}
