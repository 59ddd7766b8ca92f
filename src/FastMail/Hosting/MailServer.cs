using System.Net;
using FastMail.Accounts;
using FastMail.Accounts.Throttling;
using FastMail.Configuration;
using FastMail.Core.Sasl;
using FastMail.Core.Tls;
using FastMail.Delivery;
using FastMail.Hosting.Admin;
using FastMail.Hosting.Reload;
using FastMail.Web.Admin;
using FastMail.Hosting.Tls;
using FastMail.Pop3;
using FastMail.Relay.Queue;
using FastMail.Relay.Routing;
using FastMail.Smtp;
using FastMail.Storage;
using FastMail.Transport;
using FastMail.Web;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>
/// The composition root: opens the store and the accounts of one data directory, loads the TLS certificate, and starts
/// the SMTP (25-style, submission, implicit TLS) and POP3 (plain + STLS, implicit TLS) listeners.
/// The `serve` command and the integration tests start the server through this class.
/// </summary>
internal sealed partial class MailServer : IAsyncDisposable
{
    private readonly List<(string Kind, SocketListener Listener)> _listeners = [];
    private readonly DataDirectoryLock _dataLock;
    private readonly FasterMailStore _store;
    private readonly FastMailSettings _settings;
    private readonly ILogger _logger;
    private readonly ServerMetrics _metrics;
    private OutboundQueue? _queue;
    private LiveSessions? _live;
    private AccountDirectory? _directory;
    private AdminSocketServer? _admin;
    private WebServer? _web;
    private Task? _stopping;

    private MailServer(FastMailSettings settings, DataDirectoryLock dataLock, FasterMailStore store, ILogger logger)
    {
        _settings = settings;
        _dataLock = dataLock;
        _store = store;
        _logger = logger;
        _metrics = new ServerMetrics();
    }

    /// <summary>Bound endpoints by listener kind: "SMTP", "SMTP submission", "SMTPS", "POP3", "POP3S", "HTTP", "HTTPS".</summary>
    public IReadOnlyList<IPEndPoint> EndPoints(string kind) => kind switch
    {
        "HTTP" => _web?.EndPoints ?? [],
        "HTTPS" => _web?.HttpsEndPoints ?? [],
        "Metrics" => _metrics.EndPoints,
        _ => _listeners.Where(l => l.Kind == kind).Select(l => l.Listener.LocalEndPoint).ToList(),
    };

    public IReadOnlyList<IPEndPoint> SmtpEndPoints => EndPoints("SMTP");

    /// <summary>Every mail listener with its open connections, for the admin status page.</summary>
    internal IEnumerable<(string Kind, IPEndPoint EndPoint, int Connections)> MailListeners =>
        _listeners.Select(l => (l.Kind, l.Listener.LocalEndPoint, l.Listener.ActiveConnections));

    public IReadOnlyList<IPEndPoint> Pop3EndPoints => EndPoints("POP3");

    /// <summary>The outbound queue (for tests and the admin socket).</summary>
    public OutboundQueue Queue => _queue ?? throw new InvalidOperationException("The server is not started.");

    public static MailServer Start(FastMailSettings settings, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("FastMail");
        DataDirectoryPermissions.Prepare(settings.DataDirectory, logger);
        var dataLock = DataDirectoryLock.Acquire(settings.DataDirectory);
        MailServer? server = null;
        try
        {
            ThreadPoolFloor.Ensure();
            var store = FasterMailStore.Open(settings.Storage, loggerFactory.CreateLogger("FastMail.Storage"));
            server = new MailServer(settings, dataLock, store, logger);
            server.StartListeners(loggerFactory);
            return server;
        }
        catch
        {
            if (server is not null)
            {
                server.StopAsync().GetAwaiter().GetResult();
            }
            else
            {
                dataLock.Dispose();
            }

            throw;
        }
    }

    private void StartListeners(ILoggerFactory loggerFactory)
    {
        var tls = LoadTls(loggerFactory);
        _live = new LiveSessions(_settings, tls, _metrics.Instruments, loggerFactory);
        var directory = new AccountDirectory(_settings.Accounts.Options, loggerFactory.CreateLogger<AccountDirectory>());
        var sasl = new SaslServerFactory(directory, new SaslServerOptions { ScramFakeIterations = _settings.Accounts.Options.Pbkdf2Iterations });
        AuthThrottle? throttle = _settings.Accounts.LoginPenalty ? new AuthThrottle(logger: loggerFactory.CreateLogger<AuthThrottle>()) : null;
        var smtpLogger = loggerFactory.CreateLogger("FastMail.Smtp");
        var delivery = new MailDelivery(directory, directory, _store, loggerFactory.CreateLogger("FastMail.Delivery"), hasOutboundQueue: true);
        _queue = StartQueue(directory, delivery, loggerFactory);
        _live.StartSessions(_settings, directory, delivery, _store, sasl, throttle);

        var transportLogger = loggerFactory.CreateLogger("FastMail.Transport");
        void Listen(string kind, IReadOnlyList<IPEndPoint> endPoints, ReadOnlyMemory<byte> busyReply, bool implicitTls, Func<MailConnection, CancellationToken, Task> run)
        {
            foreach (var endPoint in endPoints)
            {
                var options = LiveSessions.ListenerOptionsFor(_settings.Limits, kind, busyReply, implicitTls ? tls.Current : null) with { EndPoint = endPoint };
                var listener = SocketListener.Start(options, (connection, shutdown) => run(new MailConnection(connection, tls), shutdown), transportLogger);
                _live.Track(listener, kind, busyReply, implicitTls);
                // The transport logs "<kind> listening on <endpoint>" (event 1000); scripts and tests read that line.
                _listeners.Add((kind, listener));
            }
        }

        // Each connection takes the handler in force when it arrives: a reload swaps handlers, sessions keep theirs.
        var live = _live;
        Listen("SMTP", _settings.Smtp.Listen, SmtpSessionHandler.BusyReply, implicitTls: false, (c, s) => live.Smtp.RunAsync(c, s));
        Listen("SMTP submission", _settings.Smtp.SubmissionListen, SmtpSessionHandler.BusyReply, implicitTls: false, (c, s) => live.Submission.RunAsync(c, s));
        Listen("SMTPS", _settings.Smtp.SmtpsListen, SmtpSessionHandler.BusyReply, implicitTls: true, (c, s) => live.Submission.RunAsync(c, s));
        Listen("POP3", _settings.Pop3.Listen, Pop3SessionHandler.BusyReply, implicitTls: false, (c, s) => live.Pop3.RunAsync(c, s));
        Listen("POP3S", _settings.Pop3.Pop3sListen, Pop3SessionHandler.BusyReply, implicitTls: true, (c, s) => live.Pop3.RunAsync(c, s));
        _directory = directory;
        StartAdminSocket(loggerFactory, new Migration.MigrationServices(directory, _store, _store.Browser, delivery, loggerFactory.CreateLogger("FastMail.Migration")));
        StartWeb(tls, directory, delivery, throttle, loggerFactory);
        StartMetrics(delivery, loggerFactory);
    }

    /// <summary>The webmail (and admin pages) on Kestrel, with the same accounts, login throttle, store and delivery as the mail listeners.</summary>
    private void StartWeb(LiveTlsOptions tls, AccountDirectory directory, MailDelivery delivery, AuthThrottle? throttle, ILoggerFactory loggerFactory)
    {
        if (!_settings.Web.Enabled)
        {
            return;
        }

        var options = new WebOptions
        {
            Listen = _settings.Web.Listen,
            HttpsListen = _settings.Web.HttpsListen,
            // The mail listeners' certificate as it is now: a reload that renews it renews HTTPS too.
            Certificate = () => tls.Current.Certificate,
            SessionIdle = _settings.Web.SessionIdle,
        };
        var accounts = new AccountAdmin(_settings.Accounts.Options);
        var admin = new AdminServices(
            accounts,
            directory,
            _store,
            Queue,
            new HostStatus(this, Path.Combine(_settings.DataDirectory, "mail"), delivery),
            _settings.ConfigFile is { } file ? new JsonConfigRelaySettingsStore(file) : new LiveOnlyRelaySettingsStore());
        var services = new WebServices(new WebAccounts(directory, accounts), directory, _store, _store.Browser, delivery, throttle)
        {
            MapExtra = app => AdminEndpoints.Map(app, admin),
            Metrics = _metrics.Instruments,
        };
        _web = WebServer.StartAsync(options, services, loggerFactory).GetAwaiter().GetResult();
    }

    /// <summary>The local channel of `fastmail queue ...`; a server that cannot open it still serves mail (logged).</summary>
    private void StartAdminSocket(ILoggerFactory loggerFactory, Migration.MigrationServices migration)
    {
        var logger = loggerFactory.CreateLogger("FastMail.Admin");
        var admin = new AdminSocketServer(_settings.DataDirectory, logger);
        QueueAdminHandler.Register(admin, Queue);
        BackupAdminHandler.Register(admin, _store, _settings.DataDirectory, Cli.VersionCommand.Version);
        MigrationAdminHandler.Register(admin, migration);
        try
        {
            admin.Start();
            _admin = admin;
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "The admin socket in {DataDirectory} could not be opened; `fastmail queue` will not reach this server", _settings.DataDirectory);
        }
    }

    /// <summary>Loads the queued mail and starts delivering it before any listener accepts new mail.</summary>
    private OutboundQueue StartQueue(AccountDirectory directory, MailDelivery delivery, ILoggerFactory loggerFactory)
    {
        var relay = _settings.Relay;
        var queue = new OutboundQueue(
            _store.Queue,
            delivery,
            directory,
            new NextHopResolver(relay.Routes, relay.DnsServer, TimeSpan.FromSeconds(10), relay.SmtpPort),
            relay.Client,
            relay.Queue,
            relay.Limits,
            _settings.HostName,
            loggerFactory.CreateLogger("FastMail.Relay"),
            tlsRequirement: relay.TlsRequiredFor)
        {
            Metrics = _metrics.Instruments,
        };
        delivery.AttachQueue(queue);
        queue.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return queue;
    }

    private LiveTlsOptions LoadTls(ILoggerFactory loggerFactory) => new(LoadTlsOptions(_settings, loggerFactory));

    /// <summary>The certificate of <paramref name="settings"/> (its files, or the self-signed one); a reload calls it again.</summary>
    internal static TlsServerOptions LoadTlsOptions(FastMailSettings settings, ILoggerFactory loggerFactory)
    {
        var certificate = CertificateProvider.Load(settings.Tls.CertificatePath, settings.Tls.KeyPath, settings.DataDirectory, settings.HostName, loggerFactory.CreateLogger("FastMail.Tls"));
        return new TlsServerOptions(certificate, CertificateProvider.LoadIntermediates(settings.Tls.CertificatePath));
    }

    /// <summary>Graceful stop: no new connections, in-flight DATA may finish within the grace period, idle sessions get 421, then the store commits and closes.</summary>
    public Task StopAsync() => _stopping ??= StopCoreAsync();

    private async Task StopCoreAsync()
    {
        if (_admin is not null)
        {
            await _admin.StopAsync();
        }

        if (_web is not null)
        {
            await _web.StopAsync();
        }

        var gracePeriod = _live?.ShutdownGracePeriod ?? _settings.Limits.ShutdownGracePeriod;
        await Task.WhenAll(_listeners.Select(l => l.Listener.StopAsync(gracePeriod)));
        foreach (var (_, listener) in _listeners)
        {
            await listener.DisposeAsync();
        }

        if (_queue is not null)
        {
            await _queue.DisposeAsync();
        }

        await _metrics.DisposeAsync();
        await _store.DisposeAsync();
        _dataLock.Dispose();
        _logger.LogInformation("FastMail stopped");
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
