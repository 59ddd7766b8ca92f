using FastMail.Accounts;

namespace FastMail.Web.Admin;

/// <summary>Where the admin UI persists the "Allow Relay" switch and the trusted networks (applied live either way).</summary>
public interface IRelaySettingsStore
{
    /// <summary>True when <see cref="Save"/> writes something that the next start reads.</summary>
    bool IsPersistent { get; }

    /// <summary>A sentence for the admin page: where the settings go, or why they are live only.</summary>
    string Description { get; }

    /// <summary>Persists <paramref name="settings"/>; throws <see cref="IOException"/> (or UnauthorizedAccessException) when it cannot.</summary>
    void Save(RelaySettings settings);
}

/// <summary>The server was started without --config: changes apply until the next restart only.</summary>
public sealed class LiveOnlyRelaySettingsStore : IRelaySettingsStore
{
    public bool IsPersistent => false;

    public string Description => "Live only: the server was started without --config, so these settings last until it restarts (set relay.allowRelay and relay.trustedNetworks in a configuration file to keep them).";

    public void Save(RelaySettings settings)
    {
    }
}
