using System.Diagnostics.CodeAnalysis;
using FastMail.Accounts.Scram;
using FastMail.Core.Sasl;
using FastMail.Core.Services;

namespace FastMail.Accounts;

/// <summary>SASL credentials: PLAIN and LOGIN use <see cref="AuthenticateAsync"/>; SCRAM-SHA-256 gets verifiers derived from the stored hashes.</summary>
public sealed partial class AccountDirectory : ISaslCredentials
{
    /// <inheritdoc />
    /// <remarks>
    /// Accepts the same login names as <see cref="AuthenticateAsync"/> ("name" or "name@local.domain", any case). The
    /// verifier is derived on each call (two HMACs and a hash, microseconds; no PBKDF2), so a password change is seen
    /// at the next reload with no cache to invalidate. See <see cref="ScramVerifier"/> for why accounts.json stays secret.
    /// </remarks>
    public bool TryGetScramCredentials(ReadOnlySpan<byte> user, [NotNullWhen(true)] out ScramCredentials? credentials)
    {
        credentials = null;
        return TryResolveLogin(user, Current, out var entry) && ScramVerifier.TryCreate(entry.Name, entry.PasswordHash, out credentials);
    }
}
