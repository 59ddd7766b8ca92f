using System.Text;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class ConnectionRateLimitTests
{
    private const string Busy = "421 4.7.0 Too many connections, slow down\r\n";

    [Fact]
    public async Task TheConnectionOverTheRateGetsTheBusyReplyAndAfterAMinuteNewConnectionsAreServedAgain()
    {
        using var timeout = Timeout();
        var clock = new ManualClock();
        var logger = new RecordingLogger();
        var handled = 0;
        await using var listener = Start(async (connection, shutdown) =>
        {
            Interlocked.Increment(ref handled);
            await EchoAsync(connection, shutdown);
        }, o =>
        {
            o.MaxConnectionRatePerIp = 3;
            o.BusyReply = Encoding.ASCII.GetBytes(Busy);
            o.TimeProvider = clock;
        }, logger);

        // Each client is closed before the next: the rate limit counts new connections, not open ones.
        for (var i = 0; i < 3; i++)
        {
            using var served = await ServedClientAsync(listener, $"probe {i}", timeout.Token);
        }

        using (var refused = await ConnectAsync(listener, timeout.Token))
        {
            Assert.Equal(Busy, Encoding.ASCII.GetString(await refused.ReadToEndAsync(timeout.Token)));
        }

        Assert.Equal(3, Volatile.Read(ref handled));
        Assert.True(logger.Has(1005));

        clock.Advance(TimeSpan.FromMinutes(1));
        using var again = await ServedClientAsync(listener, "after a minute", timeout.Token);
        Assert.Equal(4, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task ZeroTurnsTheRateLimitOff()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync, o =>
        {
            o.MaxConnectionRatePerIp = 0;
            o.TimeProvider = new ManualClock();
        });

        for (var i = 0; i < 30; i++)
        {
            using var served = await ServedClientAsync(listener, "x", timeout.Token);
        }
    }

    [Fact]
    public async Task ARateLimitedTlsListenerClosesWithoutSendingPlaintextIntoTheHandshake()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync, o =>
        {
            o.Tls = TlsTestKit.ServerOptions();
            o.MaxConnectionRatePerIp = 1;
            o.BusyReply = Encoding.ASCII.GetBytes(Busy);
            o.TimeProvider = new ManualClock();
        });

        using (var first = await ConnectAsync(listener, timeout.Token))
        {
            await using var ssl = await TlsTestKit.AuthenticateAsClientAsync(first.GetStream(), System.Security.Authentication.SslProtocols.Tls13, timeout.Token);
        }

        using var refused = await ConnectAsync(listener, timeout.Token);
        Assert.Empty(await refused.ReadToEndAsync(timeout.Token));
    }

    [Fact]
    public void NegativeRatesAreRefusedAtStart()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Start(EchoAsync, o => o.MaxConnectionRatePerIp = -1));
    }

    private static async Task<System.Net.Sockets.TcpClient> ServedClientAsync(SocketListener listener, string probe, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(listener, cancellationToken);
        await client.SendAsync(probe, cancellationToken);
        Assert.Equal(probe, await client.ReadTextAsync(probe.Length, cancellationToken));
        return client;
    }
}
