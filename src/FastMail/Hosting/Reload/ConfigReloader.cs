using System.Security.Cryptography;
using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.Core.Tls;
using FastMail.Hosting.Tls;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting.Reload;

/// <summary>
/// Re-reads the configuration the way `serve` read it at start (same --config file, --set values, environment),
/// validates all of it, and applies what can change live (<see cref="ReloadPlan"/>); each changed key is logged as
/// "applied" or "needs a restart". Anything invalid (a value that does not parse, a broken JSON file, an unreadable or
/// mismatched certificate) is logged and changes nothing: the server keeps running with its current settings.
/// One reload at a time (a second SIGHUP during one waits).
/// </summary>
internal sealed class ConfigReloader
{
    private readonly Func<ConfigValues> _load;
    private readonly MailServer _server;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Action<LogLevel>? _setLogLevel;
    private readonly Lock _lock = new();
    private ConfigValues _running;

    /// <param name="load">Reads the configuration as at start (e.g. <c>() => ConfigOptions.Load(args)</c>).</param>
    /// <param name="running">The values the server was started with.</param>
    /// <param name="setLogLevel">
    /// Switches the process's minimum log level at run time; null when the host cannot (logLevel then needs a restart).
    /// The lead wires it to the level switch of Hosting/Logging.cs.
    /// </param>
    public ConfigReloader(Func<ConfigValues> load, ConfigValues running, MailServer server, ILoggerFactory loggerFactory, Action<LogLevel>? setLogLevel = null)
    {
        _load = load;
        _running = running;
        _server = server;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("FastMail.Reload");
        _setLogLevel = setLogLevel;
    }

    /// <summary>
    /// Raised when a reload starts (`serve` tells systemd RELOADING=1).
    /// </summary>
    public event Action? Reloading;

    /// <summary>Raised when a reload ends, applied or refused (`serve` tells systemd READY=1).</summary>
    public event Action<ReloadResult>? Reloaded;

    /// <summary>What the server runs with now (after the reloads so far).</summary>
    public ConfigValues Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    /// <summary>Reads, validates and applies the configuration; the SIGHUP handler and the tests call this.</summary>
    public ReloadResult Reload()
    {
        lock (_lock)
        {
            Reloading?.Invoke();
            var result = ReloadLocked();
            Reloaded?.Invoke(result);
            return result;
        }
    }

    private ReloadResult ReloadLocked()
    {
        ReloadLog.Reloading(_logger);
        ConfigValues next;
        FastMailSettings applied;
        ReloadPlan plan;
        ConfigValues runningAfter;
        TlsServerOptions? certificate;
        try
        {
            next = _load();
            // The whole new configuration must be valid, the keys that wait for a restart included: a file that
            // would not start the server is refused now, while its author is looking.
            _ = FastMailSettings.From(next);
            plan = ReloadPlan.For(ConfigChange.Between(_running, next), canSetLogLevel: _setLogLevel is not null);
            runningAfter = plan.RunningAfter(_running, next);
            applied = FastMailSettings.From(runningAfter);
            certificate = MailServer.LoadTlsOptions(applied, _loggerFactory);
        }
        catch (Exception e) when (e is ConfigException or TlsCertificateException or CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            ReloadLog.Failed(_logger, e.Message);
            return ReloadResult.Refused(e.Message);
        }

        var oldThumbprint = _server.CurrentTls.Certificate.Thumbprint;
        var newCertificate = certificate.Certificate.Thumbprint != oldThumbprint ? certificate : null;
        if (newCertificate is null)
        {
            // The same certificate read again: the one in force stays, this copy is not needed.
            certificate.Certificate.Dispose();
        }

        try
        {
            _server.ApplyLive(applied, newCertificate);
        }
        catch (ArgumentException e)
        {
            // A value the components refuse though the configuration accepted it: a bug, but never a dead server.
            ReloadLog.Failed(_logger, e.Message);
            return ReloadResult.Refused(e.Message);
        }

        if (plan.Changes(ConfigKeys.AllowRelay) || plan.Changes(ConfigKeys.TrustedNetworks))
        {
            _server.Directory.SetRelay(RelaySettings.Create(applied.Accounts.Options.AllowRelay, applied.Accounts.Options.TrustedNetworks));
        }

        if (plan.Changes(ConfigKeys.LogLevel))
        {
            _setLogLevel!(applied.LogLevel);
        }

        foreach (var change in plan.Live)
        {
            ReloadLog.Applied(_logger, change.Key.Name, ConfigChange.Shown(change.Key, change.OldValue), ConfigChange.Shown(change.Key, change.NewValue));
        }

        foreach (var change in plan.NeedsRestart)
        {
            ReloadLog.NeedsRestart(_logger, change.Key.Name, ConfigChange.Shown(change.Key, change.OldValue), ConfigChange.Shown(change.Key, change.NewValue));
        }

        if (newCertificate is not null)
        {
            ReloadLog.CertificateApplied(_logger, newCertificate.Certificate.Thumbprint, oldThumbprint);
        }

        ReloadLog.Reloaded(_logger, plan.Live.Count, plan.NeedsRestart.Count);
        _running = runningAfter;
        return new ReloadResult(true, null, plan.Live, plan.NeedsRestart, newCertificate?.Certificate.Thumbprint);
    }
}
