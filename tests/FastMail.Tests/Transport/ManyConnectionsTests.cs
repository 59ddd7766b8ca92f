using System.Collections.Concurrent;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class ManyConnectionsTests
{
    private const int Clients = 500;

    [Fact]
    public async Task FiveHundredIdleConnectionsHoldNoReceiveBufferAndAreAllServedAfterwards()
    {
        using var timeout = Timeout();
        var connections = new ConcurrentBag<TransportConnection>();
        await using var listener = Start(async (connection, shutdown) =>
        {
            connections.Add(connection);
            await EchoAsync(connection, shutdown);
        }, o =>
        {
            o.MaxConnections = Clients;
            o.MaxConnectionsPerIp = Clients;

            // Five hundred connects in one burst from one address is exactly what the rate limit stops.
            o.MaxConnectionRatePerIp = 0;
        });

        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ConnectAsync(listener, timeout.Token)));
        try
        {
            await EventuallyAsync(() => connections.Count == Clients, timeout.Token);
            Assert.Equal(Clients, listener.ActiveConnections);

            // Idle means parked in a zero-byte receive, not holding a leased pipe buffer.
            await EventuallyAsync(() => connections.All(c => c.ReceiveState == ReceiveState.WaitingForData), timeout.Token);

            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                var probe = $"client {i:D3}\r\n";
                await client.SendAsync(probe, timeout.Token);
                Assert.Equal(probe, await client.ReadTextAsync(probe.Length, timeout.Token));
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
    }
}
