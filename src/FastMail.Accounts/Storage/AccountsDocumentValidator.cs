namespace FastMail.Accounts.Storage;

/// <summary>Checks a loaded or about-to-be-saved document; returns a message fit to print, or null when it is valid.</summary>
internal static class AccountsDocumentValidator
{
    public static string? FindProblem(AccountsDocument document)
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

            if (!AccountNames.IsValidUser(user.Name))
            {
                return $"users[{i}]: invalid user name '{user.Name}' ({AccountNames.UserRule}).";
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

        return null;
    }
}
