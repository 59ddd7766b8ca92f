using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using FastMail.Core.Sasl;
using FastMail.Core.Services;

namespace FastMail.Tests.Sasl;

/// <summary>Plaintext users for SASL tests; SCRAM verifiers derived with PBKDF2 like the accounts do. Counts password checks.</summary>
internal sealed class SaslTestCredentials : ISaslCredentials
{
    private readonly Dictionary<string, (string Password, byte[] Salt, int Iterations)> _users = new(StringComparer.OrdinalIgnoreCase);

    public int PasswordChecks { get; private set; }

    public SaslTestCredentials Add(string user, string password, byte[]? salt = null, int iterations = 4096)
    {
        _users[user] = (password, salt ?? RandomNumberGenerator.GetBytes(16), iterations);
        return this;
    }

    public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        PasswordChecks++;
        var name = Encoding.UTF8.GetString(user.Span);
        var ok = _users.TryGetValue(name, out var entry) && entry.Password == Encoding.UTF8.GetString(password.Span);
        return new ValueTask<string?>(ok ? name.ToLowerInvariant() : null);
    }

    public bool TryGetScramCredentials(ReadOnlySpan<byte> user, [NotNullWhen(true)] out ScramCredentials? credentials)
    {
        var name = Encoding.UTF8.GetString(user);
        if (!_users.TryGetValue(name, out var entry))
        {
            credentials = null;
            return false;
        }

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(entry.Password), entry.Salt, entry.Iterations, HashAlgorithmName.SHA256, 32);
        credentials = ScramCredentials.FromSaltedPassword(name.ToLowerInvariant(), entry.Salt, entry.Iterations, salted);
        return true;
    }

    /// <summary>"name" or "name@anything" names the user "name" (the test directory has one domain of every name).</summary>
    public bool IsLoginOf(ReadOnlySpan<byte> login, string mailbox)
    {
        var name = Encoding.UTF8.GetString(login);
        var at = name.LastIndexOf('@');
        return string.Equals(at < 0 ? name : name[..at], mailbox, StringComparison.OrdinalIgnoreCase);
    }
}
