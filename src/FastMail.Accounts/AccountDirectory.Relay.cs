using System.Net;

namespace FastMail.Accounts;

/// <summary>The relay decision (DESIGN.md contract 5: never an open relay).</summary>
public sealed partial class AccountDirectory
{
    /// <inheritdoc />
    /// <remarks>
    /// An authenticated client may relay. Otherwise only a client inside <see cref="AccountsOptions.TrustedNetworks"/>,
    /// and only when <see cref="AccountsOptions.AllowRelay"/> is on (off by default). Everyone else may send only to
    /// local domains.
    /// </remarks>
    public bool MayRelay(IPAddress? remote, string? authenticatedUser)
    {
        if (!string.IsNullOrEmpty(authenticatedUser))
        {
            return true;
        }

        return _allowRelay && remote is not null && _trustedNetworks.Contains(remote);
    }
}
