namespace FastMail.Accounts;

/// <summary>Password logins (POP3 USER/PASS, SMTP AUTH PLAIN/LOGIN).</summary>
public sealed partial class AccountDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// An unknown user, a non-local domain and a wrong password all cost one PBKDF2 at the configured iteration count
    /// and give the same null (contract 6). PBKDF2 is CPU-bound, so it runs synchronously on the calling thread-pool
    /// thread; the only I/O is the once-per-interval stat of accounts.json. A repeat of a recent successful login is
    /// answered from the auth cache.
    /// </remarks>
    public ValueTask<string?> AuthenticateAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<string?>(cancellationToken);
        }

        var secret = password.Span;
        if (!TryResolveLogin(user.Span, Current, out var entry))
        {
            _ = PasswordHasher.Verify(secret, _dummyHash); // same timing class as a wrong password
            return new ValueTask<string?>((string?)null);
        }

        if (_authCache.Matches(entry.Name, secret, entry.PasswordHash))
        {
            return new ValueTask<string?>(entry.Name);
        }

        if (!PasswordHasher.Verify(secret, entry.PasswordHash))
        {
            return new ValueTask<string?>((string?)null);
        }

        _authCache.Remember(entry.Name, secret, entry.PasswordHash);
        return new ValueTask<string?>(entry.Name);
    }
}
