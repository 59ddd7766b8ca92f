using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace FastMail.Testing.TestKit;

/// <summary>
/// Plays systemd's side of sd_notify: a bound Unix datagram socket read all the time (as systemd does, so the sender's
/// queue never fills), each datagram queued as text for the test to take in order.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    /// <summary>Binds <paramref name="address"/>: a path, or '@name' for the abstract namespace (NOTIFY_SOCKET syntax).</summary>
    public NotifySocket(string address)
    {
        Address = address;
        _socket.Bind(new UnixDomainSocketEndPoint(address[0] == '@' ? "\0" + address[1..] : address));
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Address { get; }

    /// <summary>A fresh abstract address, so parallel tests never share one.</summary>
    public static NotifySocket Abstract() => new("@fastmail-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>The next datagram (bounded wait so a broken sender fails the test instead of hanging it).</summary>
    public async Task<string> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _messages.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next datagram that is not a watchdog ping.</summary>
    public async Task<string> NextBesidesWatchdogAsync()
    {
        string message;
        do
        {
            message = await NextAsync();
        }
        while (message == "WATCHDOG=1");

        return message;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var count = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                _messages.Writer.TryWrite(Encoding.UTF8.GetString(buffer, 0, count));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            _messages.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _reader.Wait(TimeSpan.FromSeconds(10));
        _socket.Dispose();
        _stop.Dispose();
    }
}
