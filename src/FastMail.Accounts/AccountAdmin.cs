namespace FastMail.Accounts;

/// <summary>
/// Account administration for the CLI (<c>fastmail user add</c> …) and the admin web UI. Every change is a locked
/// read-modify-write of accounts.json (<see cref="AccountStore.Update{T}"/>), so it is safe while the server runs and
/// while another admin process changes something else; the server picks it up within its reload interval.
/// Refusals (bad name, user exists, …) are <see cref="AdminResult"/> values; an unreadable or corrupt file or a lock
/// held too long is an <see cref="AccountsFileException"/>.
/// </summary>
public sealed class AccountAdmin
{
    /// <summary>Longest password accepted: it must fit a POP3 PASS line (RFC 2449: 255 octets) with room to spare.</summary>
    public const int MaxPasswordLength = 128;

    private readonly string _primaryDomain;
    private readonly int _iterations;

    public AccountAdmin(AccountsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        AccountNames.TryNormalizeDomain(options.PrimaryDomain, out var primaryDomain);
        _primaryDomain = primaryDomain!;
        _iterations = options.Pbkdf2Iterations;
        Store = new AccountStore(options.DataDirectory);
    }

    /// <summary>The file this admin changes.</summary>
    public AccountStore Store { get; }

    /// <summary>Adds a user with a password (hashed; the password is not stored). APOP stays off.</summary>
    public AdminResult AddUser(string name, string password)
    {
        if (!AccountNames.TryNormalizeUser(name, out var user))
        {
            return InvalidUser(name);
        }

        if (CheckPassword(password) is { } refused)
        {
            return refused;
        }

        var hash = PasswordHasher.Hash(password, _iterations); // outside the lock: PBKDF2 takes a while
        return Store.Update(document =>
        {
            if (Find(document, user) is not null)
            {
                return (AdminResult.Fail(AdminError.UserExists, $"user '{user}' already exists"), false);
            }

            document.Users.Add(new AccountRecord { Name = user, PasswordHash = hash });
            return (AdminResult.Ok($"user '{user}' added"), true);
        });
    }

    /// <summary>Deletes a user. Their stored mail is not touched here.</summary>
    public AdminResult DeleteUser(string name)
    {
        if (!AccountNames.TryNormalizeUser(name, out var user))
        {
            return InvalidUser(name);
        }

        return Store.Update(document =>
        {
            var removed = document.Users.RemoveAll(record => record.Name == user) > 0;
            return removed
                ? (AdminResult.Ok($"user '{user}' deleted"), true)
                : (NoSuchUser(user), false);
        });
    }

    /// <summary>Replaces a user's password; logins cached with the old one stop working at the server's next reload.</summary>
    public AdminResult SetPassword(string name, string password)
    {
        if (!AccountNames.TryNormalizeUser(name, out var user))
        {
            return InvalidUser(name);
        }

        if (CheckPassword(password) is { } refused)
        {
            return refused;
        }

        var hash = PasswordHasher.Hash(password, _iterations);
        return Store.Update(document =>
        {
            if (Find(document, user) is not { } record)
            {
                return (NoSuchUser(user), false);
            }

            record.PasswordHash = hash;
            return (AdminResult.Ok($"password of '{user}' changed"), true);
        });
    }

    /// <summary>
    /// Sets (or with null, removes) the user's RFC 1939 APOP secret. The secret is PLAINTEXT-EQUIVALENT: APOP needs the
    /// server to hold it readable, so it is stored as is in accounts.json. Use one that differs from the password.
    /// </summary>
    public AdminResult SetApopSecret(string name, string? secret)
    {
        if (!AccountNames.TryNormalizeUser(name, out var user))
        {
            return InvalidUser(name);
        }

        if (secret is not null && !ApopSecrets.IsValid(secret))
        {
            return AdminResult.Fail(AdminError.InvalidApopSecret, $"invalid APOP secret: use {ApopSecrets.Rule}");
        }

        return Store.Update(document =>
        {
            if (Find(document, user) is not { } record)
            {
                return (NoSuchUser(user), false);
            }

            record.ApopSecret = secret;
            return secret is null
                ? (AdminResult.Ok($"APOP disabled for '{user}'"), true)
                : (AdminResult.Ok($"APOP secret set for '{user}' (stored readable in accounts.json: it is plaintext-equivalent)"), true);
        });
    }

    /// <summary>
    /// Sets the user's own mailbox quota in bytes (0: unlimited for this user), or with null removes it so the
    /// configured default applies. A running server picks the change up at its next accounts reload.
    /// </summary>
    public AdminResult SetQuota(string name, long? quotaBytes)
    {
        if (!AccountNames.TryNormalizeUser(name, out var user))
        {
            return InvalidUser(name);
        }

        if (quotaBytes < 0)
        {
            return AdminResult.Fail(AdminError.InvalidQuota, "invalid quota: it must not be negative (0 means unlimited)");
        }

        return Store.Update(document =>
        {
            if (Find(document, user) is not { } record)
            {
                return (NoSuchUser(user), false);
            }

            record.QuotaBytes = quotaBytes;
            return quotaBytes switch
            {
                null => (AdminResult.Ok($"quota of '{user}' cleared (the default applies)"), true),
                0 => (AdminResult.Ok($"quota of '{user}' set to unlimited"), true),
                _ => (AdminResult.Ok($"quota of '{user}' set to {quotaBytes} bytes"), true),
            };
        });
    }

    /// <summary>All users, sorted by name.</summary>
    public IReadOnlyList<UserSummary> ListUsers() =>
        Store.Load().Users
            .Select(record => new UserSummary(record.Name, record.ApopSecret is not null))
            .OrderBy(user => user.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>Adds a local domain (users are shared by all local domains).</summary>
    public AdminResult AddDomain(string domain)
    {
        if (!AccountNames.TryNormalizeDomain(domain, out var name))
        {
            return InvalidDomain(domain);
        }

        if (name == _primaryDomain)
        {
            return AdminResult.Fail(AdminError.DomainExists, $"'{name}' is the primary domain and always local");
        }

        return Store.Update(document =>
        {
            if (document.Domains.Contains(name))
            {
                return (AdminResult.Fail(AdminError.DomainExists, $"domain '{name}' is already local"), false);
            }

            document.Domains.Add(name);
            return (AdminResult.Ok($"domain '{name}' added"), true);
        });
    }

    /// <summary>Removes a local domain; the primary domain cannot be removed (it is configuration, not data).</summary>
    public AdminResult DeleteDomain(string domain)
    {
        if (!AccountNames.TryNormalizeDomain(domain, out var name))
        {
            return InvalidDomain(domain);
        }

        if (name == _primaryDomain)
        {
            return AdminResult.Fail(AdminError.PrimaryDomain, $"'{name}' is the primary domain; change PrimaryDomain in the configuration instead");
        }

        return Store.Update(document =>
            document.Domains.Remove(name)
                ? (AdminResult.Ok($"domain '{name}' deleted"), true)
                : (AdminResult.Fail(AdminError.DomainNotFound, $"domain '{name}' is not local"), false));
    }

    /// <summary>All local domains: the primary domain first, then the others sorted.</summary>
    public IReadOnlyList<string> ListDomains()
    {
        var others = Store.Load().Domains.Where(d => d != _primaryDomain).Order(StringComparer.Ordinal);
        return [_primaryDomain, .. others];
    }

    private static AccountRecord? Find(AccountsDocument document, string user) => document.Users.Find(record => record.Name == user);

    private static AdminResult? CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            return AdminResult.Fail(AdminError.InvalidPassword, $"invalid password: use 1-{MaxPasswordLength} characters");
        }

        // CR, LF and NUL cannot travel in a POP3 PASS line or a SASL PLAIN message; other controls are typos.
        if (password.Any(char.IsControl))
        {
            return AdminResult.Fail(AdminError.InvalidPassword, "invalid password: control characters (including tab and newline) are not allowed");
        }

        return null;
    }

    private static AdminResult InvalidUser(string? name) =>
        AdminResult.Fail(AdminError.InvalidUserName, $"invalid user name '{name}': use {AccountNames.UserRule}");

    private static AdminResult NoSuchUser(string user) => AdminResult.Fail(AdminError.UserNotFound, $"no such user '{user}'");

    private static AdminResult InvalidDomain(string? domain) =>
        AdminResult.Fail(AdminError.InvalidDomain, $"invalid domain '{domain}': use {AccountNames.DomainRule}");
}
