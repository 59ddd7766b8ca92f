using System.Net;

namespace FastMail.Accounts;

/// <summary>The relay decision (DESIGN.md contract 5: never an open relay), and its settings changed live by the admin UI.</summary>
public sealed partial class AccountDirectory
{
    private volatile RelaySettings _relay;

    /// <summary>The relay settings in force: from <see cref="AccountsOptions"/> at start, then whatever <see cref="SetRelay"/> set.</summary>
    public RelaySettings Relay => _relay;

    /// <summary>
    /// Applies new relay settings at once, for every following decision (one reference swap: a decision sees either the
    /// old or the new settings, whole). Persisting them is the caller's business (the admin UI's settings store).
    /// </summary>
    public void SetRelay(RelaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _relay = settings;
    }

    /// <inheritdoc />
    /// <remarks>
    /// An authenticated client may relay. Otherwise only a client inside the trusted networks, and only when the
    /// "Allow Relay" switch is on (off by default). Everyone else may send only to local domains.
    /// </remarks>
    public bool MayRelay(IPAddress? remote, string? authenticatedUser)
    {
        if (!string.IsNullOrEmpty(authenticatedUser))
        {
            return true;
        }

        var relay = _relay;
        return relay.AllowRelay && remote is not null && relay.Networks.Contains(remote);
    }

    /// <summary>
    /// True when <paramref name="user"/> (a canonical account name, as a login returned it) holds the admin role. A lookup
    /// in the current snapshot: no allocation; a role taken away counts from the next accounts reload.
    /// </summary>
    public bool IsAdmin(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Current.TryGetUser(user, out var entry) && entry.IsAdmin;
    }
}
