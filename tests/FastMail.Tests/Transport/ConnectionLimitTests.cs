using System.Text;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class ConnectionLimitTests
{
    private const string Busy = "421 4.7.0 Too many connections\r\n";

    [Fact]
    public async Task AClientOverThePerIpLimitReadsTheBusyReplyThenEndOfStreamAndASlotFreedIsReused()
    {
        using var timeout = Timeout();
        var handled = 0;
        await using var listener = Start(async (connection, shutdown) =>
        {
            Interlocked.Increment(ref handled);
            await EchoAsync(connection, shutdown);
        }, o =>
        {
            o.MaxConnectionsPerIp = 2;
            o.BusyReply = Encoding.ASCII.GetBytes(Busy);
        });

        using var first = await ServedClientAsync(listener, "one", timeout.Token);
        using var second = await ServedClientAsync(listener, "two", timeout.Token);
        using (var third = await ConnectAsync(listener, timeout.Token))
        {
            Assert.Equal(Busy, Encoding.ASCII.GetString(await third.ReadToEndAsync(timeout.Token)));
        }

        Assert.Equal(2, Volatile.Read(ref handled));
        Assert.Equal(2, listener.ActiveConnections);

        first.Close();
        await EventuallyAsync(() => listener.ActiveConnections == 1, timeout.Token);
        using var fourth = await ServedClientAsync(listener, "four", timeout.Token);
        Assert.Equal(3, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task AClientOverTheTotalLimitIsRefusedEvenBelowThePerIpLimit()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync, o =>
        {
            o.MaxConnections = 2;
            o.MaxConnectionsPerIp = 100;
            o.BusyReply = "-ERR [SYS/TEMP] busy\r\n"u8.ToArray();
        });

        using var first = await ServedClientAsync(listener, "one", timeout.Token);
        using var second = await ServedClientAsync(listener, "two", timeout.Token);
        using (var third = await ConnectAsync(listener, timeout.Token))
        {
            Assert.Equal("-ERR [SYS/TEMP] busy\r\n", Encoding.ASCII.GetString(await third.ReadToEndAsync(timeout.Token)));
        }

        second.Close();
        await EventuallyAsync(() => listener.ActiveConnections == 1, timeout.Token);
        using var fourth = await ServedClientAsync(listener, "four", timeout.Token);
    }

    [Fact]
    public async Task WithoutABusyReplyARefusedClientJustSeesEndOfStream()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync, o => o.MaxConnections = 1);

        using var first = await ServedClientAsync(listener, "one", timeout.Token);
        using var second = await ConnectAsync(listener, timeout.Token);

        Assert.Empty(await second.ReadToEndAsync(timeout.Token));
    }

    /// <summary>Connects and proves the connection was admitted (its handler echoes).</summary>
    private static async Task<System.Net.Sockets.TcpClient> ServedClientAsync(SocketListener listener, string probe, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(listener, cancellationToken);
        await client.SendAsync(probe, cancellationToken);
        Assert.Equal(probe, await client.ReadTextAsync(probe.Length, cancellationToken));
        return client;
    }
}
