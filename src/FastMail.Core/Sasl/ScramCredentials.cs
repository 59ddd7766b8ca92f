namespace FastMail.Core.Sasl;

/// <summary>
/// A SCRAM verifier (RFC 5802 section 3): the salt and iteration count of Hi(), StoredKey = H(HMAC(SaltedPassword, "Client Key"))
/// and ServerKey = HMAC(SaltedPassword, "Server Key"). Enough to check a client proof and sign the answer, not to log in
/// elsewhere without the password, but whoever holds it can impersonate the server to that user: keep it as secret as a hash.
/// </summary>
public sealed class ScramCredentials
{
    /// <summary>SHA-256 output size: the length of StoredKey and ServerKey.</summary>
    public const int KeySize = 32;

    public ScramCredentials(string mailbox, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(storedKey);
        ArgumentNullException.ThrowIfNull(serverKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (storedKey.Length != KeySize || serverKey.Length != KeySize)
        {
            throw new ArgumentException("StoredKey and ServerKey must be 32 bytes (SHA-256).");
        }

        Mailbox = mailbox;
        Salt = salt;
        Iterations = iterations;
        StoredKey = storedKey;
        ServerKey = serverKey;
    }

    /// <summary>The canonical mailbox name a successful login yields.</summary>
    public string Mailbox { get; }

    public byte[] Salt { get; }

    public int Iterations { get; }

    public byte[] StoredKey { get; }

    public byte[] ServerKey { get; }

    /// <summary>Derives the verifier from SaltedPassword = Hi(password, salt, i) (RFC 5802 section 3).</summary>
    public static ScramCredentials FromSaltedPassword(string mailbox, byte[] salt, int iterations, ReadOnlySpan<byte> saltedPassword)
    {
        var storedKey = new byte[KeySize];
        var serverKey = new byte[KeySize];
        Span<byte> clientKey = stackalloc byte[KeySize];
        System.Security.Cryptography.HMACSHA256.HashData(saltedPassword, "Client Key"u8, clientKey);
        System.Security.Cryptography.SHA256.HashData(clientKey, storedKey);
        System.Security.Cryptography.HMACSHA256.HashData(saltedPassword, "Server Key"u8, serverKey);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(clientKey);
        return new ScramCredentials(mailbox, salt, iterations, storedKey, serverKey);
    }
}
