using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class EchoTests
{
    [Fact]
    public async Task EchoHandlerRoundTripsBytesOverARealSocket()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync);
        Assert.NotEqual(0, listener.LocalEndPoint.Port);

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.SendAsync("HELO there\r\n", timeout.Token);
        Assert.Equal("HELO there\r\n", await client.ReadTextAsync(12, timeout.Token));
        await client.SendAsync("second line\r\n", timeout.Token);
        Assert.Equal("second line\r\n", await client.ReadTextAsync(13, timeout.Token));
    }

    [Fact]
    public async Task ConnectionReportsBothEndPointsAndAUniqueId()
    {
        using var timeout = Timeout();
        var seen = new TaskCompletionSource<(IPEndPoint? Remote, IPEndPoint? Local, long Id)>();
        await using var listener = Start(async (connection, _) =>
        {
            seen.TrySetResult((connection.RemoteEndPoint, connection.LocalEndPoint, connection.Id));
            await EchoAsync(connection, CancellationToken.None);
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        var (remote, local, id) = await seen.Task.WaitAsync(timeout.Token);
        Assert.Equal(client.Client.LocalEndPoint, remote);
        Assert.Equal(listener.LocalEndPoint.Port, local!.Port);
        Assert.True(id > 0);
    }

    [Fact]
    public async Task SeveralMegabytesEchoBothWaysIntactWithSmallBufferLimits()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync, o =>
        {
            // Small limits so both directions pause and resume many times during the transfer.
            o.MaxReadBufferSize = 64 * 1024;
            o.MaxWriteBufferSize = 64 * 1024;
        });
        var payload = RandomBytes(8 * 1024 * 1024, seed: 1);

        using var client = await ConnectAsync(listener, timeout.Token);
        var stream = client.GetStream();
        var reading = client.ReadToEndAsync(timeout.Token);
        for (var offset = 0; offset < payload.Length; offset += 100_000)
        {
            await stream.WriteAsync(payload.AsMemory(offset, Math.Min(100_000, payload.Length - offset)), timeout.Token);
        }

        client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var echoed = await reading;

        Assert.Equal(payload.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }

    [Fact]
    public async Task OutputWrittenButNotFlushedIsSentWhenTheHandlerReturns()
    {
        using var timeout = Timeout();
        var payload = RandomBytes(3 * 1024 * 1024, seed: 2);
        await using var listener = Start((connection, _) =>
        {
            connection.Output.Write(payload);
            return Task.CompletedTask;
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        var received = await client.ReadToEndAsync(timeout.Token);

        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
    }

    [Fact]
    public async Task StartingOnAPortAlreadyInUseThrowsAClearException()
    {
        await using var first = Start(EchoAsync);
        var options = new ListenerOptions { EndPoint = first.LocalEndPoint, Name = "smtp" };

        var error = Assert.Throws<IOException>(() => SocketListener.Start(options, EchoAsync, new RecordingLogger()));

        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains(first.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("smtp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyAddressListenerServesLoopbackClients()
    {
        using var timeout = Timeout();
        await using var listener = Start(EchoAsync, o => o.EndPoint = new IPEndPoint(IPAddress.Any, 0));

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.SendAsync("ping", timeout.Token);

        Assert.Equal("ping", await client.ReadTextAsync(4, timeout.Token));
    }
}
