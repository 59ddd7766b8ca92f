using System.Net.Sockets;
using System.Text;
using FastMail.Hosting;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Install;

/// <summary>sd_notify over a real Unix datagram socket, bound where systemd would bind it (NOTIFY_SOCKET).</summary>
public sealed class SystemdNotifierTests : IDisposable
{
    private readonly TempDirectory _dir = new("notify");
    private readonly Socket _systemd = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly RecordingLogger _logger = new();

    public void Dispose()
    {
        _systemd.Dispose();
        _dir.Dispose();
    }

    private string BindPath()
    {
        var path = _dir.File("notify");
        _systemd.Bind(new UnixDomainSocketEndPoint(path));
        return path;
    }

    private async Task<string> ReceiveAsync()
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = await _systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }

    private SystemdNotifier Create(params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return SystemdNotifier.FromEnvironment(_logger, name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public async Task ReadyThenWatchdogPingsThenStopping()
    {
        using var notifier = Create(("NOTIFY_SOCKET", BindPath()), ("WATCHDOG_USEC", "200000"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), notifier.WatchdogInterval);

        notifier.Ready("serving");

        Assert.Equal($"READY=1\nSTATUS=serving\nMAINPID={Environment.ProcessId}", await ReceiveAsync());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("WATCHDOG=1", await ReceiveAsync());
        }

        notifier.Stopping();
        string message;
        do
        {
            message = await ReceiveAsync();
        }
        while (message == "WATCHDOG=1");

        Assert.Equal("STOPPING=1", message);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task AnAtSignNamesAnAbstractSocket()
    {
        var name = "fastmail-test-" + Guid.NewGuid().ToString("N");
        _systemd.Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var notifier = Create(("NOTIFY_SOCKET", "@" + name));

        Assert.True(notifier.Notify("RELOADING=1"));

        Assert.Equal("RELOADING=1", await ReceiveAsync());
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
        using var notifier = Create(("NOTIFY_SOCKET", BindPath()), ("WATCHDOG_USEC", "200000"), ("WATCHDOG_PID", "1"));

        Assert.Null(notifier.WatchdogInterval);
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
