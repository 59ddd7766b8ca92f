using FastMail.Configuration;

namespace FastMail.Hosting.Reload;

/// <summary>
/// Which keys a reload applies to the running server, and which only take effect at the next start. A key is live when
/// what reads it is looked up again per new connection, session or decision: limits, session options, the relay
/// switch and trusted networks, the certificate, and the log level when the host can switch it. Everything bound once at
/// start (listen addresses, data directory, storage, web, host and domain names, accounts, the outbound relay and queue)
/// needs a restart.
/// </summary>
internal sealed class ReloadPlan
{
    private static readonly HashSet<ConfigKey> s_restartOnly =
    [
        ConfigKeys.SmtpListen,
        ConfigKeys.SubmissionListen,
        ConfigKeys.SmtpsListen,
        ConfigKeys.Pop3Listen,
        ConfigKeys.Pop3sListen,
    ];

    private ReloadPlan(IReadOnlyList<ConfigChange> live, IReadOnlyList<ConfigChange> restart)
    {
        Live = live;
        NeedsRestart = restart;
    }

    /// <summary>Changes the reload applies now.</summary>
    public IReadOnlyList<ConfigChange> Live { get; }

    /// <summary>Changes the running server ignores until it is restarted.</summary>
    public IReadOnlyList<ConfigChange> NeedsRestart { get; }

    public bool Changes(ConfigKey key) => Live.Any(change => change.Key == key);

    public static ReloadPlan For(IReadOnlyList<ConfigChange> changes, bool canSetLogLevel)
    {
        var live = changes.Where(change => IsLive(change.Key, canSetLogLevel)).ToList();
        var restart = changes.Where(change => !IsLive(change.Key, canSetLogLevel)).ToList();
        return new ReloadPlan(live, restart);
    }

    public static bool IsLive(ConfigKey key, bool canSetLogLevel)
    {
        if (key == ConfigKeys.LogLevel)
        {
            return canSetLogLevel;
        }

        if (s_restartOnly.Contains(key))
        {
            return false;
        }

        return key.Name.StartsWith("limits.", StringComparison.Ordinal)
            || key.Name.StartsWith("smtp.", StringComparison.Ordinal)
            || key.Name.StartsWith("pop3.", StringComparison.Ordinal)
            || key == ConfigKeys.AllowRelay
            || key == ConfigKeys.TrustedNetworks
            || key == ConfigKeys.TlsCertificate
            || key == ConfigKeys.TlsKey;
    }

    /// <summary>
    /// The configuration the server runs with after the reload: <paramref name="next"/>, except that every key needing a
    /// restart keeps its running value (so the running settings stay consistent, and the next reload reports it again).
    /// </summary>
    public ConfigValues RunningAfter(ConfigValues running, ConfigValues next)
    {
        var result = new ConfigValues { FilePath = next.FilePath };
        foreach (var key in ConfigKeys.All)
        {
            var from = NeedsRestart.Any(change => change.Key == key) ? running : next;
            result.Set(key, from.Get(key), from.SourceOf(key));
        }

        return result;
    }
}
