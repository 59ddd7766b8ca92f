using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FastMail.Accounts;

/// <summary>
/// PBKDF2-HMAC-SHA256 password hashes in the PHC-like form <c>$pbkdf2-sha256$i=&lt;iterations&gt;$&lt;salt b64&gt;$&lt;key b64&gt;</c>
/// (DESIGN.md contract 6: secrets are hashed). 16-byte random salt, 32-byte derived key. The iteration count travels in
/// the string, so raising the default never invalidates existing hashes.
/// </summary>
public static class PasswordHasher
{
    /// <summary>OWASP 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Upper bound accepted when verifying: a tampered file must not turn one login into minutes of CPU.</summary>
    public const int MaxIterations = 10_000_000;

    internal const int SaltSize = 16;
    internal const int KeySize = 32;
    private const string Prefix = "$pbkdf2-sha256$i=";
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    /// <summary>Hashes <paramref name="password"/> (UTF-8) with a fresh random salt.</summary>
    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Hash(bytes, iterations);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Hashes a password given as bytes (what POP3 PASS and SASL PLAIN deliver) with a fresh random salt.</summary>
    public static string Hash(ReadOnlySpan<byte> password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        Span<byte> salt = stackalloc byte[SaltSize];
        RandomNumberGenerator.Fill(salt);
        Span<byte> key = stackalloc byte[KeySize];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, key, iterations, HashAlgorithmName.SHA256);
        return Format(iterations, salt, key);
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>; false for a wrong password or a malformed hash.</summary>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Verify(bytes, hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// True when the password bytes match <paramref name="hash"/>. The comparison is constant-time
    /// (<see cref="CryptographicOperations.FixedTimeEquals"/>); a malformed hash is simply false.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> password, string hash)
    {
        Span<byte> salt = stackalloc byte[64];
        Span<byte> expected = stackalloc byte[KeySize];
        if (!TryParse(hash, out var iterations, salt, out var saltLength, expected))
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[KeySize];
        Rfc2898DeriveBytes.Pbkdf2(password, salt[..saltLength], actual, iterations, HashAlgorithmName.SHA256);
        var equal = CryptographicOperations.FixedTimeEquals(actual, expected);
        CryptographicOperations.ZeroMemory(actual);
        return equal;
    }

    /// <summary>True when <paramref name="hash"/> has the expected shape (what the account file loader checks).</summary>
    public static bool IsWellFormed(string? hash)
    {
        Span<byte> salt = stackalloc byte[64];
        Span<byte> key = stackalloc byte[KeySize];
        return hash is not null && TryParse(hash, out _, salt, out _, key);
    }

    /// <summary>
    /// A hash no password matches, with a real salt and <paramref name="iterations"/>: verifying against it costs what
    /// verifying a real user costs, so an unknown user cannot be told apart by timing (contract 6). Cheap to make.
    /// </summary>
    internal static string CreateDummy(int iterations)
    {
        Span<byte> salt = stackalloc byte[SaltSize];
        Span<byte> key = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(key);
        return Format(iterations, salt, key);
    }

    private static string Format(int iterations, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> key) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}");

    internal static bool TryParse(string? hash, out int iterations, Span<byte> salt, out int saltLength, Span<byte> key)
    {
        iterations = 0;
        saltLength = 0;
        if (hash is null || !hash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = hash.AsSpan(Prefix.Length);
        var dollar = rest.IndexOf('$');
        if (dollar <= 0 || !AllDigits(rest[..dollar])
            || !int.TryParse(rest[..dollar], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < 1 || iterations > MaxIterations)
        {
            return false;
        }

        rest = rest[(dollar + 1)..];
        dollar = rest.IndexOf('$');
        if (dollar <= 0
            || !Convert.TryFromBase64Chars(rest[..dollar], salt, out saltLength) || saltLength < 8
            || !Convert.TryFromBase64Chars(rest[(dollar + 1)..], key, out var keyLength) || keyLength != KeySize)
        {
            return false;
        }

        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Digits);
}
