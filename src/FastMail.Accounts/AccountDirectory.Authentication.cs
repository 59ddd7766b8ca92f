using FastMail.Accounts.Authentication;

namespace FastMail.Accounts;

/// <summary>Password logins (POP3 USER/PASS, SMTP AUTH PLAIN/LOGIN).</summary>
public sealed partial class AccountDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// An unknown user, a non-local domain and a wrong password all cost one PBKDF2 at the configured iteration count
    /// and give the same null (contract 6). PBKDF2 is CPU-bound: it runs on the calling thread-pool thread, in one of
    /// the <see cref="PasswordHashingGate"/>'s slots, so a login storm cannot take every core; the only I/O is the
    /// once-per-interval stat of accounts.json. A repeat of a recent successful login is answered from the auth cache
    /// without hashing.
    /// </remarks>
    public async ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!TryResolveLogin(user.Span, Current, out var entry))
        {
            // Same timing class as a wrong password.
            await _hashing.RunAsync((password, _dummyHash), static state => PasswordHasher.Verify(state.password.Span, state._dummyHash), cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (_authCache.Matches(entry.Name, password.Span, entry.PasswordHash))
        {
            return entry.Name;
        }

        if (!await _hashing.RunAsync((password, entry.PasswordHash), static state => PasswordHasher.Verify(state.password.Span, state.PasswordHash), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        _authCache.Remember(entry.Name, password.Span, entry.PasswordHash);
        return entry.Name;
    }
}
