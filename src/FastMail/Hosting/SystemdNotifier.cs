using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: when systemd starts the server as Type=notify it sets NOTIFY_SOCKET (a path, or
/// '@name' for the abstract namespace), and the server sends datagrams to it: READY=1 once it listens, STOPPING=1 when
/// the graceful stop begins, WATCHDOG=1 every WATCHDOG_USEC/2 (WatchdogSec=) so that a hung process is restarted.
/// Without NOTIFY_SOCKET every call does nothing. A failed send never reaches the server: it is logged once.
/// </summary>
internal sealed partial class SystemdNotifier : IDisposable
{
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Socket? _socket;
    private readonly TimeSpan? _watchdogInterval;
    private readonly ILogger _logger;
    private readonly Lock _sendLock = new();
    private Timer? _watchdog;
    private int _warned;

    private SystemdNotifier(UnixDomainSocketEndPoint? endPoint, TimeSpan? watchdogInterval, ILogger logger)
    {
        _endPoint = endPoint;
        _watchdogInterval = watchdogInterval;
        _logger = logger;
        if (endPoint is not null)
        {
            // Non-blocking: when systemd does not read (its queue of 10 datagrams is full), a ping is dropped instead
            // of blocking the watchdog timer and, through the send lock, the server's stop.
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
        }
    }

    /// <summary>True when systemd listens (NOTIFY_SOCKET is set).</summary>
    public bool Enabled => _endPoint is not null;

    /// <summary>How often WATCHDOG=1 is sent: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises; null = no watchdog.</summary>
    public TimeSpan? WatchdogInterval => _watchdogInterval;

    public static SystemdNotifier FromEnvironment(ILogger logger, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var socket = environment("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket) || (socket[0] != '/' && socket[0] != '@'))
        {
            return new SystemdNotifier(null, null, logger);
        }

        // '@' stands for the leading NUL of an abstract socket address (unix(7)).
        var endPoint = new UnixDomainSocketEndPoint(socket[0] == '@' ? "\0" + socket[1..] : socket);
        return new SystemdNotifier(endPoint, WatchdogIntervalOf(environment), logger);
    }

    private static TimeSpan? WatchdogIntervalOf(Func<string, string?> environment)
    {
        if (!ulong.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds == 0)
        {
            return null;
        }

        // WATCHDOG_PID names the process systemd watches; a child that inherited the variables must stay quiet.
        var pid = environment("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(microseconds / 2);
    }

    /// <summary>The server listens: READY=1 with a status line, then the watchdog pings start.</summary>
    public void Ready(string status)
    {
        Notify($"READY=1\nSTATUS={status}\nMAINPID={Environment.ProcessId}");
        if (_watchdogInterval is { } interval && _watchdog is null)
        {
            _watchdog = new Timer(_ => Notify("WATCHDOG=1"), null, TimeSpan.Zero, interval);
        }
    }

    /// <summary>The graceful stop begins.</summary>
    public void Stopping() => Notify("STOPPING=1");

    /// <summary>Sends one state (newline-separated assignments, e.g. "RELOADING=1"); false when it was not sent.</summary>
    public bool Notify(string state)
    {
        if (_socket is null)
        {
            return false;
        }

        try
        {
            lock (_sendLock)
            {
                _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endPoint!);
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                SendFailed(_logger, state.Split('\n')[0], e.Message);
            }

            return false;
        }
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        lock (_sendLock)
        {
            _socket?.Dispose();
        }
    }

    [LoggerMessage(EventId = 1560, Level = LogLevel.Warning, Message = "systemd notification {State} could not be sent to NOTIFY_SOCKET: {Reason}; further failures are not logged")]
    private static partial void SendFailed(ILogger logger, string state, string reason);
}
