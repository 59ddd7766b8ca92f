using FastMail.Accounts;
using FastMail.Configuration;

namespace FastMail.Hosting;

/// <summary>Maps the validated configuration onto the accounts component's options.</summary>
internal static class AccountsSettings
{
    public static AccountsOptions From(FastMailSettings settings) => new()
    {
        DataDirectory = settings.DataDirectory,
        PrimaryDomain = settings.PrimaryDomain,
        Pbkdf2Iterations = settings.Pbkdf2Iterations,
        AllowRelay = settings.AllowRelay,
        TrustedNetworks = settings.TrustedNetworks.Select(network => network.ToString()).ToArray(),
        DefaultQuotaBytes = settings.DefaultQuotaBytes,
    };
}
