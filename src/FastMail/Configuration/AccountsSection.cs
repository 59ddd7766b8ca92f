using FastMail.Accounts;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The accounts.* and relay.* keys and primaryDomain: <see cref="AccountsOptions"/>, and whether failed logins are throttled.</summary>
internal sealed class AccountsSection
{
    public required AccountsOptions Options { get; init; }

    public required bool LoginPenalty { get; init; }

    public static AccountsSection Bind(ConfigValues values, string dataDirectory) => new()
    {
        Options = new AccountsOptions
        {
            DataDirectory = dataDirectory,
            PrimaryDomain = DomainName(values, ConfigKeys.PrimaryDomain),
            AllowRelay = Boolean(values, ConfigKeys.AllowRelay),
            TrustedNetworks = [.. Networks(values, ConfigKeys.TrustedNetworks).Select(network => network.ToString())],
            Pbkdf2Iterations = Integer(values, ConfigKeys.Pbkdf2Iterations, 4096, 100_000_000),
            PasswordHashingSlots = Integer(values, ConfigKeys.PasswordHashingSlots, 0, 1024),
            DefaultQuotaBytes = Size(values, ConfigKeys.DefaultQuota, 0, long.MaxValue),
            Postmaster = values.Get(ConfigKeys.Postmaster).Trim(),
        },
        LoginPenalty = Boolean(values, ConfigKeys.LoginPenalty),
    };
}
