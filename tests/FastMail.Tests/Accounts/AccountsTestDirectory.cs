using FastMail.Accounts;

namespace FastMail.Tests.Accounts;

/// <summary>A <see cref="TempDirectory"/> used as an accounts data directory, with options tuned for speed (1000 PBKDF2 iterations).</summary>
internal static class AccountsTestDirectory
{
    public const string Domain = "example.com";

    extension(TempDirectory directory)
    {
        public string AccountsFile => directory.File("accounts.json");

        public AccountsOptions AccountsOptions(Action<AccountsOptions>? configure = null)
        {
            var options = new AccountsOptions
            {
                DataDirectory = directory.Path,
                PrimaryDomain = Domain,
                Pbkdf2Iterations = 1000,
                ReloadCheckInterval = TimeSpan.FromMilliseconds(1),
            };
            configure?.Invoke(options);
            return options;
        }
    }
}
