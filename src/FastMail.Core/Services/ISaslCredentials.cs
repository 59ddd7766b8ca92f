using System.Diagnostics.CodeAnalysis;
using FastMail.Core.Sasl;

namespace FastMail.Core.Services;

/// <summary>
/// What the SASL mechanisms (SMTP AUTH, RFC 4954; POP3 AUTH, RFC 5034) need from the accounts: a password check for
/// PLAIN and LOGIN, and the SCRAM verifier (RFC 5802 section 3) for SCRAM-SHA-256. Thread-safe.
/// </summary>
public interface ISaslCredentials
{
    /// <summary>Same contract as <see cref="IDirectory.AuthenticateAsync"/>: the canonical mailbox, or null.</summary>
    ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken);

    /// <summary>
    /// The SCRAM-SHA-256 verifier of <paramref name="user"/> (a login name as the client sent it). False for unknown
    /// users; the mechanism then goes on with fake credentials, so the failure looks the same as a wrong password.
    /// </summary>
    bool TryGetScramCredentials(ReadOnlySpan<byte> user, [NotNullWhen(true)] out ScramCredentials? credentials);

    /// <summary>
    /// True when <paramref name="login"/> (a login name as a client sent it: "name" or "name@local.domain", any case)
    /// names the account <paramref name="mailbox"/>; used to accept a SASL authorization identity that names the
    /// authenticated account itself.
    /// </summary>
    bool IsLoginOf(ReadOnlySpan<byte> login, string mailbox);
}
