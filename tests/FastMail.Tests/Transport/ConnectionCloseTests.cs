using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class ConnectionCloseTests
{
    [Fact]
    public async Task PeerCloseCompletesTheHandlersInputAndTheReplyStillArrives()
    {
        using var timeout = Timeout();
        var received = new TaskCompletionSource<string>();
        await using var listener = Start(async (connection, _) =>
        {
            var all = new StringBuilder();
            while (true)
            {
                var read = await connection.Input.ReadAsync(CancellationToken.None);
                foreach (var segment in read.Buffer)
                {
                    all.Append(Encoding.ASCII.GetString(segment.Span));
                }

                connection.Input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            received.SetResult(all.ToString());

            // Half-closed: the peer stopped sending but still reads.
            connection.Output.Write("got it\r\n"u8);
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.SendAsync("QUIT\r\n", timeout.Token);
        var reading = client.ReadToEndAsync(timeout.Token);
        client.Client.Shutdown(SocketShutdown.Send);

        Assert.Equal("QUIT\r\n", await received.Task.WaitAsync(timeout.Token));
        Assert.Equal("got it\r\n"u8.ToArray(), await reading);
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
    }

    [Fact]
    public async Task PeerResetCompletesTheHandlersInputAndTheListenerKeepsServing()
    {
        using var timeout = Timeout();
        var inputEnded = new TaskCompletionSource<bool>();
        var logger = new RecordingLogger();
        await using var listener = Start(async (connection, shutdown) =>
        {
            try
            {
                while (true)
                {
                    var read = await connection.Input.ReadAsync(CancellationToken.None);
                    connection.Input.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted)
                    {
                        inputEnded.TrySetResult(true);
                        return;
                    }
                }
            }
            catch (Exception)
            {
                inputEnded.TrySetResult(false);
                throw;
            }
        }, logger: logger);

        using (var client = await ConnectAsync(listener, timeout.Token))
        {
            await client.SendAsync("MAIL FROM:<a@b>\r\n", timeout.Token);

            // Linger 0: close sends RST instead of FIN.
            client.Client.LingerState = new LingerOption(true, 0);
            client.Client.Close();
        }

        Assert.True(await inputEnded.Task.WaitAsync(timeout.Token), "the handler's read threw instead of completing");
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task AHandlerThatThrowsIsLoggedItsConnectionClosedAndTheListenerKeepsServing()
    {
        using var timeout = Timeout();
        var logger = new RecordingLogger();
        await using var listener = Start(async (connection, shutdown) =>
        {
            var read = await connection.Input.ReadAsync(CancellationToken.None);
            if (read.Buffer.FirstSpan.StartsWith("boom"u8))
            {
                throw new InvalidOperationException("handler bug");
            }

            connection.Input.AdvanceTo(read.Buffer.Start);
            await EchoAsync(connection, shutdown);
        }, logger: logger);

        using (var failing = await ConnectAsync(listener, timeout.Token))
        {
            await failing.SendAsync("boom", timeout.Token);
            Assert.Empty(await failing.ReadToEndAsync(timeout.Token));
        }

        using var next = await ConnectAsync(listener, timeout.Token);
        await next.SendAsync("still here", timeout.Token);
        Assert.Equal("still here", await next.ReadTextAsync(10, timeout.Token));
        Assert.Contains(logger.Entries, e => e.EventId == 1009 && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task AHandlerThatThrowsBeforeItsFirstAwaitIsAlsoContained()
    {
        using var timeout = Timeout();
        var calls = 0;
        await using var listener = Start((connection, shutdown) =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("sync bug") : EchoAsync(connection, shutdown));

        using (var failing = await ConnectAsync(listener, timeout.Token))
        {
            Assert.Empty(await failing.ReadToEndAsync(timeout.Token));
        }

        using var next = await ConnectAsync(listener, timeout.Token);
        await next.SendAsync("ok", timeout.Token);
        Assert.Equal("ok", await next.ReadTextAsync(2, timeout.Token));
    }

    [Fact]
    public async Task AbortClosesTheSocketCompletesTheHandlersInputAndEndsItsOutput()
    {
        using var timeout = Timeout();
        var flushAfterAbort = new TaskCompletionSource<bool>();
        await using var listener = Start(async (connection, _) =>
        {
            var read = await connection.Input.ReadAsync(CancellationToken.None);
            connection.Input.AdvanceTo(read.Buffer.End);
            connection.Abort();
            do
            {
                read = await connection.Input.ReadAsync(CancellationToken.None);
                connection.Input.AdvanceTo(read.Buffer.End);
            }
            while (!read.IsCompleted);

            var flush = await connection.Output.WriteAsync("too late"u8.ToArray(), CancellationToken.None);
            flushAfterAbort.SetResult(flush.IsCompleted);
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.SendAsync("hi", timeout.Token);

        Assert.True(await flushAfterAbort.Task.WaitAsync(timeout.Token), "a flush after Abort did not report completion");
        Assert.Empty(await client.ReadToEndAsync(timeout.Token));
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
    }

    [Fact]
    public async Task AClientThatStopsReadingIsAbortedAfterTheCloseTimeout()
    {
        using var timeout = Timeout();
        var logger = new RecordingLogger();
        var clientConnected = new TaskCompletionSource();
        await using var listener = Start(async (connection, _) =>
        {
            await clientConnected.Task;

            // Far more than the kernel buffers hold while the client reads nothing.
            connection.Output.Write(new byte[32 * 1024 * 1024]);
        }, o => o.CloseTimeout = TimeSpan.FromMilliseconds(50), logger);

        using var client = await ConnectAsync(listener, timeout.Token);
        clientConnected.SetResult();

        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);

        // The abort is logged by the closing connection, which may finish just after the count drops.
        await EventuallyAsync(() => logger.Has(1012), timeout.Token);
    }

    [Fact]
    public async Task CompletingTheOutputSendsEndOfStreamWhileTheHandlerStillReads()
    {
        using var timeout = Timeout();
        var inputEnded = new TaskCompletionSource();
        await using var listener = Start(async (connection, _) =>
        {
            connection.Output.Write("+OK bye\r\n"u8);
            await connection.Output.CompleteAsync();
            ReadResult read;
            do
            {
                read = await connection.Input.ReadAsync(CancellationToken.None);
                connection.Input.AdvanceTo(read.Buffer.End);
            }
            while (!read.IsCompleted);

            inputEnded.SetResult();
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        Assert.Equal("+OK bye\r\n"u8.ToArray(), await client.ReadToEndAsync(timeout.Token));
        Assert.False(inputEnded.Task.IsCompleted);

        client.Client.Shutdown(SocketShutdown.Send);
        await inputEnded.Task.WaitAsync(timeout.Token);
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
    }

    [Fact]
    public async Task AbortingAConnectionThatAlreadyClosedIsHarmless()
    {
        using var timeout = Timeout();
        var served = new TaskCompletionSource<TransportConnection>();
        await using var listener = Start((connection, _) =>
        {
            served.SetResult(connection);
            return Task.CompletedTask;
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        var connection = await served.Task.WaitAsync(timeout.Token);
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);

        connection.Abort();
        connection.Abort();

        Assert.Equal(ReceiveState.Done, connection.ReceiveState);
        Assert.Equal(SendState.Done, connection.SendState);
    }
}
