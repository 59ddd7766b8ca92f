using FastMail.Accounts.Relay;

namespace FastMail.Accounts;

/// <summary>
/// The relay switch and trust list as one immutable value: <see cref="AccountDirectory.SetRelay"/> swaps it in whole, so
/// a relay decision never sees the new switch with the old list.
/// </summary>
public sealed class RelaySettings
{
    private RelaySettings(bool allowRelay, string[] trustedNetworks, TrustedNetworks networks)
    {
        AllowRelay = allowRelay;
        TrustedNetworks = trustedNetworks;
        Networks = networks;
    }

    /// <summary>The reference system's "Allow Relay" switch (see <see cref="AccountsOptions.AllowRelay"/>).</summary>
    public bool AllowRelay { get; }

    /// <summary>The trusted networks as written (CIDR or single addresses), trimmed.</summary>
    public IReadOnlyList<string> TrustedNetworks { get; }

    internal TrustedNetworks Networks { get; }

    /// <summary>
    /// Checks and parses the settings. Throws <see cref="ArgumentException"/> naming a bad network entry (a typo in a trust
    /// list must be refused, never read as "trust nobody" or "trust everybody").
    /// </summary>
    public static RelaySettings Create(bool allowRelay, IReadOnlyList<string> trustedNetworks)
    {
        ArgumentNullException.ThrowIfNull(trustedNetworks);
        var entries = trustedNetworks.Select(entry => entry?.Trim() ?? "").Where(entry => entry.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        return new RelaySettings(allowRelay, entries, Relay.TrustedNetworks.Parse(entries));
    }

    /// <summary>Like <see cref="Create"/>, but a refusal is a message instead of an exception.</summary>
    public static bool TryCreate(bool allowRelay, IReadOnlyList<string> trustedNetworks, out RelaySettings? settings, out string? error)
    {
        try
        {
            settings = Create(allowRelay, trustedNetworks);
            error = null;
            return true;
        }
        catch (ArgumentException exception)
        {
            settings = null;
            error = exception.Message;
            return false;
        }
    }
}
