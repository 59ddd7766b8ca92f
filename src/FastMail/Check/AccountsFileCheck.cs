using FastMail.Accounts;
using FastMail.Configuration;

namespace FastMail.Check;

/// <summary>accounts.json parses and agrees with the configuration (the checks the server makes when it opens it).</summary>
internal static class AccountsFileCheck
{
    private const string Name = "accounts";

    public static CheckResult Run(FastMailSettings settings)
    {
        var store = new AccountStore(settings.DataDirectory, settings.Accounts.Options.PrimaryDomain);
        if (!File.Exists(store.FilePath))
        {
            return CheckResult.Warn(Name, $"no {store.FilePath} yet: nobody can receive mail; add users with `fastmail user add`");
        }

        try
        {
            var document = store.Load();
            return document.Users.Count == 0
                ? CheckResult.Warn(Name, $"{store.FilePath} has no users; add them with `fastmail user add`")
                : CheckResult.Ok(Name, $"{store.FilePath}: {document.Users.Count} user(s), {document.Domains.Count + 1} local domain(s)");
        }
        catch (Exception e) when (e is AccountsFileException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, e.Message);
        }
    }
}
