using System.Buffers;
using System.Security.Cryptography;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class BackpressureTests
{
    // Far more than loopback's kernel socket buffers (a few MB) can hold, so a blocked pipe must show.
    private const int PayloadLength = 32 * 1024 * 1024;
    private const int Limit = 64 * 1024;

    [Fact]
    public async Task ReceivingPausesWhileTheHandlerDoesNotConsumeAndResumesWhenItDoes()
    {
        using var timeout = Timeout();
        var connected = new TaskCompletionSource<TransportConnection>();
        var startReading = new TaskCompletionSource();
        var bufferedWhenPaused = new TaskCompletionSource<long>();
        await using var listener = Start(async (connection, shutdown) =>
        {
            connected.TrySetResult(connection);
            await startReading.Task;

            // What the transport buffered while we did not read: bounded by the limit.
            var read = await connection.Input.ReadAsync(CancellationToken.None);
            bufferedWhenPaused.TrySetResult(read.Buffer.Length);
            connection.Input.AdvanceTo(read.Buffer.Start);
            await EchoAsync(connection, shutdown);
        }, o => o.MaxReadBufferSize = Limit);
        var payload = RandomBytes(PayloadLength, seed: 3);

        using var client = await ConnectAsync(listener, timeout.Token);
        var connection = await connected.Task.WaitAsync(timeout.Token);
        var writing = client.GetStream().WriteAsync(payload, timeout.Token).AsTask();
        await EventuallyAsync(() => connection.ReceiveState == ReceiveState.WaitingForHandler, timeout.Token);

        Assert.False(writing.IsCompleted, "the client finished writing although the handler read nothing");

        var reading = client.ReadToEndAsync(timeout.Token);
        startReading.SetResult();
        Assert.InRange(await bufferedWhenPaused.Task.WaitAsync(timeout.Token), 1, 2 * Limit);
        await writing;
        client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var echoed = await reading;
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }

    [Fact]
    public async Task HandlerFlushWaitsWhileTheClientDoesNotReadAndEverythingArrivesAfterwards()
    {
        using var timeout = Timeout();
        var flushBlocked = new TaskCompletionSource<TransportConnection>();
        var payload = RandomBytes(PayloadLength, seed: 4);
        await using var listener = Start(async (connection, _) =>
        {
            for (var offset = 0; offset < payload.Length; offset += 16 * 1024)
            {
                connection.Output.Write(payload.AsSpan(offset, 16 * 1024));
                var flushing = connection.Output.FlushAsync(CancellationToken.None);
                if (!flushing.IsCompleted)
                {
                    flushBlocked.TrySetResult(connection);
                }

                await flushing;
            }
        }, o => o.MaxWriteBufferSize = Limit);

        using var client = await ConnectAsync(listener, timeout.Token);
        var connection = await flushBlocked.Task.WaitAsync(timeout.Token);
        // With the client not reading, the kernel buffers fill and the send loop stays on the socket.
        await EventuallyAsync(() => connection.SendState == SendState.Sending, timeout.Token);

        var received = await client.ReadToEndAsync(timeout.Token);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
    }
}
