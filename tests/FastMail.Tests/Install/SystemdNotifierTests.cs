using FastMail.Hosting;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Install;

/// <summary>sd_notify over a real Unix datagram socket, bound where systemd would bind it (NOTIFY_SOCKET).</summary>
public sealed class SystemdNotifierTests : IDisposable
{
    private readonly TempDirectory _dir = new("notify");
    private readonly RecordingLogger _logger = new();
    private NotifySocket? _systemd;

    public void Dispose()
    {
        _systemd?.Dispose();
        _dir.Dispose();
    }

    /// <summary>systemd's socket, bound at a path in the temporary directory.</summary>
    private NotifySocket Systemd => _systemd ??= new NotifySocket(_dir.File("notify"));

    private SystemdNotifier Create(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return SystemdNotifier.FromEnvironment(_logger, name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public async Task ReadyThenWatchdogPingsThenStopping()
    {
        using var notifier = Create(("NOTIFY_SOCKET", Systemd.Address), ("WATCHDOG_USEC", "200000"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), notifier.WatchdogInterval);

        notifier.Ready("serving");

        Assert.Equal($"READY=1\nSTATUS=serving\nMAINPID={Environment.ProcessId}", await Systemd.NextAsync());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("WATCHDOG=1", await Systemd.NextAsync());
        }

        notifier.Stopping();

        Assert.Equal("STOPPING=1", await Systemd.NextBesidesWatchdogAsync());
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task AnAtSignNamesAnAbstractSocket()
    {
        _systemd = NotifySocket.Abstract();
        using var notifier = Create(("NOTIFY_SOCKET", _systemd.Address));

        Assert.True(notifier.Notify("RELOADING=1"));

        Assert.Equal("RELOADING=1", await Systemd.NextAsync());
    }

    [Fact]
    public void WithoutNotifySocketNothingIsSent()
    {
        using var notifier = Create(("WATCHDOG_USEC", "200000"));

        notifier.Ready("serving");

        Assert.False(notifier.Enabled);
        Assert.False(notifier.Notify("READY=1"));
    }

    [Fact]
    public void AWatchdogMeantForAnotherProcessIsNotPinged()
    {
        using var notifier = Create(("NOTIFY_SOCKET", Systemd.Address), ("WATCHDOG_USEC", "200000"), ("WATCHDOG_PID", "1"));

        Assert.Null(notifier.WatchdogInterval);
    }

    [Fact]
    public async Task ASystemdThatDoesNotReadNeverBlocksTheServer()
    {
        // A bound socket nobody reads: its queue fills after a few datagrams; then sends must fail fast, not block.
        using var deaf = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        deaf.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(_dir.File("deaf")));
        using var notifier = Create(("NOTIFY_SOCKET", _dir.File("deaf")));

        var sending = Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                notifier.Notify("WATCHDOG=1");
            }
        });

        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(_logger.Entries);
    }

    [Fact]
    public void AnUnreachableSocketIsLoggedOnceAndNeverThrows()
    {
        using var notifier = Create(("NOTIFY_SOCKET", _dir.File("nobody-listens")));

        Assert.False(notifier.Notify("READY=1"));
        Assert.False(notifier.Notify("STOPPING=1"));

        var warning = Assert.Single(_logger.Entries);
        Assert.Equal(1560, warning.EventId);
        Assert.Contains("READY=1", warning.Message, StringComparison.Ordinal);
    }
}
