using FastMail.Accounts.Storage;

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
        Store = new AccountStore(options.DataDirectory, _primaryDomain);
    }

    /// <summary>The file this admin changes.</summary>
    public AccountStore Store { get; }

    /// <summary>
    /// Adds a user with a password (hashed; the password is not stored). APOP stays off. "alice" is shared by all local
    /// domains; "alice@example.org" is a user of that local domain only (it logs in with that full name).
    /// </summary>
    public AdminResult AddUser(string name, string password) => AddUser(name, password, admin: false);

    /// <summary>As <see cref="AddUser(string, string)"/>; with <paramref name="admin"/> the user may use the web administration.</summary>
    public AdminResult AddUser(string name, string password, bool admin)
    {
        if (!AccountNames.TryNormalizeAccountName(name, out var user))
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

            var domain = AccountNames.DomainOf(user).ToString();
            if (domain.Length > 0 && !IsLocal(document, domain))
            {
                return (NotLocal(domain), false);
            }

            document.Users.Add(new AccountRecord { Name = user, PasswordHash = hash, Admin = admin });
            return (AdminResult.Ok(admin ? $"user '{user}' added (admin)" : $"user '{user}' added"), true);
        });
    }

    /// <summary>Deletes a user. Their stored mail is not touched here.</summary>
    public AdminResult DeleteUser(string name)
    {
        if (!AccountNames.TryNormalizeAccountName(name, out var user))
        {
            return InvalidUser(name);
        }

        return Store.Update(document =>
        {
            var removed = document.Users.RemoveAll(record => record.Name == user) > 0;
            if (!removed)
            {
                return (NoSuchUser(user), false);
            }

            return Refusal(document, $"cannot delete user '{user}'") is { } refused
                ? (refused, false)
                : (AdminResult.Ok($"user '{user}' deleted"), true);
        });
    }

    /// <summary>Replaces a user's password; logins cached with the old one stop working at the server's next reload.</summary>
    public AdminResult SetPassword(string name, string password)
    {
        if (!AccountNames.TryNormalizeAccountName(name, out var user))
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
        if (!AccountNames.TryNormalizeAccountName(name, out var user))
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
        if (!AccountNames.TryNormalizeAccountName(name, out var user))
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

    /// <summary>
    /// Gives or takes the admin role (web administration). A running server picks the change up at its next accounts
    /// reload. Taking it from the last admin is allowed: the CLI can always give it back.
    /// </summary>
    public AdminResult SetAdmin(string name, bool admin)
    {
        if (!AccountNames.TryNormalizeAccountName(name, out var user))
        {
            return InvalidUser(name);
        }

        return Store.Update(document =>
        {
            if (Find(document, user) is not { } record)
            {
                return (NoSuchUser(user), false);
            }

            if (record.Admin == admin)
            {
                return (AdminResult.Ok(admin ? $"'{user}' is already an admin" : $"'{user}' is not an admin"), false);
            }

            record.Admin = admin;
            return (AdminResult.Ok(admin ? $"'{user}' is now an admin" : $"'{user}' is no longer an admin"), true);
        });
    }

    /// <summary>All users, sorted by name.</summary>
    public IReadOnlyList<UserSummary> ListUsers() =>
        Store.Load().Users
            .Select(record => new UserSummary(record.Name, record.ApopSecret is not null, record.Admin, record.QuotaBytes))
            .OrderBy(user => user.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>Adds a local domain (users without a domain in their name are shared by all local domains).</summary>
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
        {
            if (!document.Domains.Remove(name))
            {
                return (NotLocal(name), false);
            }

            return Refusal(document, $"cannot delete domain '{name}'") is { } refused
                ? (refused, false)
                : (AdminResult.Ok($"domain '{name}' deleted"), true);
        });
    }

    /// <summary>All local domains: the primary domain first, then the others sorted.</summary>
    public IReadOnlyList<string> ListDomains()
    {
        var others = Store.Load().Domains.Where(d => d != _primaryDomain).Order(StringComparer.Ordinal);
        return [_primaryDomain, .. others];
    }

    /// <summary>
    /// Adds an alias with <paramref name="targets"/>, or adds the targets an existing alias lacks. <paramref name="address"/>
    /// is "local@domain" or "@domain" (the catch-all) at a local domain; each target is a user name, a local address or a
    /// remote address (see <see cref="AliasRecord.Targets"/>). Refused when a target resolves to nothing, the aliases would
    /// form a cycle or nest too deep, or the alias would have more than <see cref="AliasRecord.MaxTargets"/> targets.
    /// </summary>
    public AdminResult AddAlias(string address, IReadOnlyList<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (!AccountNames.TryNormalizeAliasAddress(address, out var alias))
        {
            return InvalidAlias(address);
        }

        if (targets.Count == 0)
        {
            return AdminResult.Fail(AdminError.InvalidAliasTarget, $"alias '{alias}' needs at least one target");
        }

        return Store.Update(document =>
        {
            var domain = alias[(alias.IndexOf('@', StringComparison.Ordinal) + 1)..];
            if (!IsLocal(document, domain))
            {
                return (NotLocal(domain), false);
            }

            var normalized = new List<string>(targets.Count);
            foreach (var target in targets)
            {
                if (!AccountNames.TryNormalizeAliasTarget(target, d => IsLocal(document, d), out var canonical))
                {
                    return (AdminResult.Fail(AdminError.InvalidAliasTarget, $"invalid alias target '{target}': use {AccountNames.TargetRule}"), false);
                }

                if (!normalized.Contains(canonical))
                {
                    normalized.Add(canonical);
                }
            }

            var record = FindAlias(document, alias);
            var isNew = record is null;
            record ??= new AliasRecord { Address = alias };
            var added = normalized.Where(target => !record.Targets.Contains(target)).ToList();
            if (added.Count == 0)
            {
                return (AdminResult.Fail(AdminError.AliasTargetExists, $"alias '{alias}' already has {Plural(normalized, "target")} {string.Join(", ", normalized)}"), false);
            }

            if (record.Targets.Count + added.Count > AliasRecord.MaxTargets)
            {
                return (AdminResult.Fail(AdminError.InvalidAliasTarget, $"alias '{alias}' would have {record.Targets.Count + added.Count} targets; at most {AliasRecord.MaxTargets} are allowed"), false);
            }

            record.Targets.AddRange(added);
            if (isNew)
            {
                document.Aliases.Add(record);
            }

            if (Refusal(document, $"cannot add alias '{alias}'") is { } refused)
            {
                return (refused, false);
            }

            return isNew
                ? (AdminResult.Ok($"alias '{alias}' added: {string.Join(", ", record.Targets)}"), true)
                : (AdminResult.Ok($"alias '{alias}' now goes to {string.Join(", ", record.Targets)}"), true);
        });
    }

    /// <summary>
    /// Removes an alias, or with <paramref name="target"/> one of its targets (the alias goes when its last target does).
    /// Refused when another alias needs this one to resolve.
    /// </summary>
    public AdminResult RemoveAlias(string address, string? target = null)
    {
        if (!AccountNames.TryNormalizeAliasAddress(address, out var alias))
        {
            return InvalidAlias(address);
        }

        return Store.Update(document =>
        {
            if (FindAlias(document, alias) is not { } record)
            {
                return (AdminResult.Fail(AdminError.AliasNotFound, $"no such alias '{alias}'"), false);
            }

            AdminResult done;
            if (target is null)
            {
                document.Aliases.Remove(record);
                done = AdminResult.Ok($"alias '{alias}' removed");
            }
            else
            {
                if (!AccountNames.TryNormalizeAliasTarget(target, d => IsLocal(document, d), out var canonical) || !record.Targets.Remove(canonical))
                {
                    return (AdminResult.Fail(AdminError.AliasTargetNotFound, $"alias '{alias}' has no target '{target}'"), false);
                }

                if (record.Targets.Count == 0)
                {
                    document.Aliases.Remove(record);
                    done = AdminResult.Ok($"alias '{alias}' removed (its last target '{canonical}' was removed)");
                }
                else
                {
                    done = AdminResult.Ok($"target '{canonical}' removed from alias '{alias}'; it now goes to {string.Join(", ", record.Targets)}");
                }
            }

            return Refusal(document, $"cannot remove from alias '{alias}'") is { } refused ? (refused, false) : (done, true);
        });
    }

    /// <summary>All aliases, sorted by domain, the catch-all first, then by local part.</summary>
    public IReadOnlyList<AliasSummary> ListAliases() =>
        Store.Load().Aliases
            .Select(record => new AliasSummary(record.Address, record.Targets.ToArray()))
            .OrderBy(alias => alias.Address[(alias.Address.IndexOf('@', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal)
            .ThenBy(alias => alias.Address, StringComparer.Ordinal)
            .ToList();

    private static AliasRecord? FindAlias(AccountsDocument document, string address) => document.Aliases.Find(record => record.Address == address);

    private bool IsLocal(AccountsDocument document, string domain) => domain == _primaryDomain || document.Domains.Contains(domain);

    /// <summary>The changed document's problem (an alias target left with nothing to resolve to, a cycle …) as a refusal, or null.</summary>
    private AdminResult? Refusal(AccountsDocument document, string action) =>
        AccountsDocumentValidator.FindProblem(document, _primaryDomain) is { } problem
            ? AdminResult.Fail(AdminError.InUse, $"{action}: {problem.TrimEnd('.')}")
            : null;

    private static string Plural(List<string> items, string word) => items.Count == 1 ? word : word + "s";

    private static AdminResult NotLocal(string domain) => AdminResult.Fail(AdminError.DomainNotFound, $"domain '{domain}' is not local");

    private static AdminResult InvalidAlias(string? address) =>
        AdminResult.Fail(AdminError.InvalidAlias, $"invalid alias address '{address}': use {AccountNames.AliasRule}");

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
        AdminResult.Fail(AdminError.InvalidUserName, $"invalid user name '{name}': use {AccountNames.AccountRule}");

    private static AdminResult NoSuchUser(string user) => AdminResult.Fail(AdminError.UserNotFound, $"no such user '{user}'");

    private static AdminResult InvalidDomain(string? domain) =>
        AdminResult.Fail(AdminError.InvalidDomain, $"invalid domain '{domain}': use {AccountNames.DomainRule}");
}
