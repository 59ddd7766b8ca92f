using System.Net;
using FastMail.Accounts;
using FastMail.Configuration;
using FastMail.Pop3;
using FastMail.Smtp;
using FastMail.Storage;
using FastMail.Transport;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>
/// The composition root: opens the store and the accounts of one data directory, and starts the SMTP and POP3 listeners.
/// The `serve` command and the integration tests start the server through this class.
/// </summary>
internal sealed class MailServer : IAsyncDisposable
{
    private static readonly byte[] SmtpBusyReply = "421 4.7.0 Too many connections, try again later\r\n"u8.ToArray();
    private static readonly byte[] Pop3BusyReply = "-ERR [SYS/TEMP] Too many connections, try again later\r\n"u8.ToArray();

    private readonly List<SocketListener> _smtpListeners = [];
    private readonly List<SocketListener> _pop3Listeners = [];
    private readonly DataDirectoryLock _dataLock;
    private readonly FasterMailStore _store;
    private readonly FastMailSettings _settings;
    private readonly ILogger _logger;
    private bool _stopped;

    private MailServer(FastMailSettings settings, DataDirectoryLock dataLock, FasterMailStore store, ILogger logger)
    {
        _settings = settings;
        _dataLock = dataLock;
        _store = store;
        _logger = logger;
    }

    public IReadOnlyList<IPEndPoint> SmtpEndPoints => _smtpListeners.Select(l => l.LocalEndPoint).ToList();

    public IReadOnlyList<IPEndPoint> Pop3EndPoints => _pop3Listeners.Select(l => l.LocalEndPoint).ToList();

    public static MailServer Start(FastMailSettings settings, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("FastMail");
        Directory.CreateDirectory(settings.DataDirectory);
        var dataLock = DataDirectoryLock.Acquire(settings.DataDirectory);
        MailServer? server = null;
        try
        {
            var store = FasterMailStore.Open(new StorageOptions { DataDirectory = settings.DataDirectory }, loggerFactory.CreateLogger("FastMail.Storage"));
            server = new MailServer(settings, dataLock, store, logger);
            server.StartListeners(loggerFactory);
            return server;
        }
        catch
        {
            if (server is not null)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
        var directory = new AccountDirectory(AccountsSettings.From(_settings), loggerFactory.CreateLogger<AccountDirectory>());
        var smtp = new SmtpSessionHandler(
            new SmtpOptions
            {
                HostName = _settings.HostName,
                MaxMessageSize = _settings.SmtpMaxMessageSize,
                MaxRecipients = _settings.SmtpMaxRecipients,
                MaxErrors = _settings.SmtpMaxErrors,
                CommandTimeout = _settings.SmtpCommandTimeout,
                DataTimeout = _settings.SmtpDataTimeout,
                StrictAddresses = _settings.SmtpStrictAddresses,
            },
            directory,
            directory,
            _store,
            loggerFactory.CreateLogger("FastMail.Smtp"));
        var pop3 = new Pop3SessionHandler(
            new Pop3Options
            {
                HostName = _settings.HostName,
                EnableApop = _settings.Pop3EnableApop,
                IdleTimeout = _settings.Pop3IdleTimeout,
                MaxErrors = _settings.Pop3MaxErrors,
            },
            directory,
            _store,
            loggerFactory.CreateLogger("FastMail.Pop3"));

        var transportLogger = loggerFactory.CreateLogger("FastMail.Transport");
        foreach (var endPoint in _settings.SmtpListen)
        {
            var listener = SocketListener.Start(Listener("smtp", endPoint, SmtpBusyReply), (connection, shutdown) => smtp.RunAsync(connection, connection.RemoteEndPoint, shutdown), transportLogger);
            _smtpListeners.Add(listener);
            _logger.LogInformation("SMTP listening on {EndPoint}", listener.LocalEndPoint);
        }

        foreach (var endPoint in _settings.Pop3Listen)
        {
            var listener = SocketListener.Start(Listener("pop3", endPoint, Pop3BusyReply), (connection, shutdown) => pop3.RunAsync(connection, connection.RemoteEndPoint, shutdown), transportLogger);
            _pop3Listeners.Add(listener);
            _logger.LogInformation("POP3 listening on {EndPoint}", listener.LocalEndPoint);
        }
    }

    private ListenerOptions Listener(string name, IPEndPoint endPoint, byte[] busyReply) => new()
    {
        Name = name,
        EndPoint = endPoint,
        MaxConnections = _settings.MaxConnections,
        MaxConnectionsPerIp = _settings.MaxConnectionsPerIp,
        MaxConnectionRatePerIp = _settings.MaxConnectionRatePerIp,
        BusyReply = busyReply,
    };

    /// <summary>Graceful stop: no new connections, in-flight DATA may finish within the grace period, idle sessions get 421, then the store commits and closes.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        var stops = _smtpListeners.Concat(_pop3Listeners).Select(l => l.StopAsync(_settings.ShutdownGracePeriod));
        await Task.WhenAll(stops);
        foreach (var listener in _smtpListeners.Concat(_pop3Listeners))
        {
            await listener.DisposeAsync();
        }

        await _store.DisposeAsync();
        _dataLock.Dispose();
        _logger.LogInformation("FastMail stopped");
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
