using FastMail.Accounts.Lookup;

namespace FastMail.Accounts.Storage;

/// <summary>Checks a loaded or about-to-be-saved document; returns a message fit to print, or null when it is valid.</summary>
internal static class AccountsDocumentValidator
{
    /// <summary>
    /// Checks <paramref name="document"/>. With <paramref name="primaryDomain"/> (the configuration's, always local) it
    /// also checks what depends on which domains are local: per-domain users and aliases belong to a local domain, and
    /// every alias target resolves (no unknown user, no cycle, nesting at most <see cref="AliasResolver.MaxDepth"/>).
    /// Without it, only the syntax is checked.
    /// </summary>
    public static string? FindProblem(AccountsDocument document, string? primaryDomain = null)
    {
        if (document.Version != AccountsDocument.CurrentVersion)
        {
            return $"unsupported accounts file version {document.Version} (this build reads version {AccountsDocument.CurrentVersion}).";
        }

        if (document.Users is null)
        {
            return "\"users\" must be a list.";
        }

        if (document.Domains is null)
        {
            return "\"domains\" must be a list.";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Users.Count; i++)
        {
            var user = document.Users[i];
            if (user is null)
            {
                return $"users[{i}] is null.";
            }

            if (user.Name is null || !AccountNames.IsValidAccountName(user.Name))
            {
                return $"users[{i}]: invalid user name '{user.Name}' ({AccountNames.AccountRule}).";
            }

            if (!names.Add(user.Name))
            {
                return $"users[{i}]: user '{user.Name}' appears twice.";
            }

            if (!PasswordHasher.IsWellFormed(user.PasswordHash))
            {
                return $"users[{i}] '{user.Name}': passwordHash is missing or not a $pbkdf2-sha256$ hash.";
            }

            if (user.ApopSecret is not null && !ApopSecrets.IsValid(user.ApopSecret))
            {
                return $"users[{i}] '{user.Name}': apopSecret must be {ApopSecrets.Rule}.";
            }

            if (user.QuotaBytes < 0)
            {
                return $"users[{i}] '{user.Name}': quotaBytes must not be negative (0 means unlimited).";
            }
        }

        var domains = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Domains.Count; i++)
        {
            var domain = document.Domains[i];
            if (domain is null || !AccountNames.IsValidDomain(domain))
            {
                return $"domains[{i}]: invalid domain '{domain}' ({AccountNames.DomainRule}).";
            }

            if (!domains.Add(domain))
            {
                return $"domains[{i}]: domain '{domain}' appears twice.";
            }
        }

        return FindAliasProblem(document) ?? (primaryDomain is null ? null : FindLocalityProblem(document, domains, primaryDomain, names));
    }

    private static string? FindAliasProblem(AccountsDocument document)
    {
        if (document.Aliases is null)
        {
            return "\"aliases\" must be a list.";
        }

        var addresses = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Aliases.Count; i++)
        {
            var alias = document.Aliases[i];
            if (alias is null)
            {
                return $"aliases[{i}] is null.";
            }

            if (alias.Address is null || !AccountNames.IsValidAliasAddress(alias.Address))
            {
                return $"aliases[{i}]: invalid alias address '{alias.Address}' ({AccountNames.AliasRule}).";
            }

            if (!addresses.Add(alias.Address))
            {
                return $"aliases[{i}]: alias '{alias.Address}' appears twice.";
            }

            if (alias.Targets is null || alias.Targets.Count is 0 or > AliasRecord.MaxTargets)
            {
                return $"aliases[{i}] '{alias.Address}': targets must be a list of 1 to {AliasRecord.MaxTargets} targets.";
            }

            var targets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var target in alias.Targets)
            {
                if (target is null || !AccountNames.IsValidAliasTarget(target, domainIsLocal: null))
                {
                    return $"aliases[{i}] '{alias.Address}': invalid target '{target}' ({AccountNames.TargetRule}).";
                }

                if (!targets.Add(target))
                {
                    return $"aliases[{i}] '{alias.Address}': target '{target}' appears twice.";
                }
            }
        }

        return null;
    }

    private static string? FindLocalityProblem(AccountsDocument document, HashSet<string> domains, string primaryDomain, HashSet<string> users)
    {
        bool IsLocal(string domain) => domain == primaryDomain || domains.Contains(domain);

        for (var i = 0; i < document.Users.Count; i++)
        {
            var domain = AccountNames.DomainOf(document.Users[i].Name).ToString();
            if (domain.Length > 0 && !IsLocal(domain))
            {
                return $"users[{i}] '{document.Users[i].Name}': domain '{domain}' is not local (add it to \"domains\").";
            }
        }

        for (var i = 0; i < document.Aliases.Count; i++)
        {
            var alias = document.Aliases[i];
            var domain = alias.Address[(alias.Address.IndexOf('@', StringComparison.Ordinal) + 1)..];
            if (!IsLocal(domain))
            {
                return $"aliases[{i}] '{alias.Address}': domain '{domain}' is not local (add it to \"domains\").";
            }

            foreach (var target in alias.Targets)
            {
                var at = target.LastIndexOf('@');
                if (at >= 0 && IsLocal(target[(at + 1)..]) && !AccountNames.IsValidAliasTarget(target, domainIsLocal: true))
                {
                    return $"aliases[{i}] '{alias.Address}': invalid target '{target}' (at a local domain the local part is a lower-case user name: {AccountNames.UserRule}).";
                }
            }
        }

        return AliasResolver.Resolve(document.Aliases, IsLocal, name => users.Contains(name) ? name : null, out _);
    }
}
