using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StopFiresTheShutdownTokenAndWaitsForAHandlerThatFinishesWithinTheGracePeriod()
    {
        using var timeout = Timeout();
        var started = new TaskCompletionSource();
        var finished = new TaskCompletionSource();
        await using var listener = Start(async (connection, shutdown) =>
        {
            started.SetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, shutdown).ContinueWith(_ => { }, TaskScheduler.Default);

            // A session would finish its reply and say goodbye.
            connection.Output.Write("421 shutting down\r\n"u8);
            await connection.Output.FlushAsync(CancellationToken.None);
            finished.SetResult();
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        await started.Task.WaitAsync(timeout.Token);

        await listener.StopAsync(Patience).WaitAsync(timeout.Token);

        Assert.True(finished.Task.IsCompletedSuccessfully, "StopAsync returned before the handler finished");
        Assert.Equal(0, listener.ActiveConnections);
        Assert.Equal("421 shutting down\r\n", Encoding.ASCII.GetString(await client.ReadToEndAsync(timeout.Token)));
    }

    [Fact]
    public async Task StopAbortsAHandlerThatIgnoresTheShutdownTokenOnceTheGracePeriodEnds()
    {
        using var timeout = Timeout();
        var started = new TaskCompletionSource();
        var inputEnded = new TaskCompletionSource();
        var logger = new RecordingLogger();
        await using var listener = Start(async (connection, shutdown) =>
        {
            started.SetResult();
            ReadResult read;
            do
            {
                read = await connection.Input.ReadAsync(CancellationToken.None);
                connection.Input.AdvanceTo(read.Buffer.End);
            }
            while (!read.IsCompleted);

            inputEnded.SetResult();
        }, logger: logger);

        using var client = await ConnectAsync(listener, timeout.Token);
        await started.Task.WaitAsync(timeout.Token);

        await listener.StopAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(timeout.Token);

        Assert.True(inputEnded.Task.IsCompletedSuccessfully, "the aborted handler's input did not end");
        Assert.Equal(0, listener.ActiveConnections);
        Assert.True(logger.Has(1010));
        Assert.Empty(await client.ReadToEndAsync(timeout.Token));
    }

    [Fact]
    public async Task AfterStopTheListenerNoLongerAcceptsAndStopIsIdempotent()
    {
        using var timeout = Timeout();
        var listener = Start(EchoAsync);
        var port = listener.LocalEndPoint.Port;

        var first = listener.StopAsync(TimeSpan.FromSeconds(1));
        var second = listener.StopAsync(TimeSpan.FromSeconds(1));
        await first.WaitAsync(timeout.Token);
        await second.WaitAsync(timeout.Token);
        await listener.DisposeAsync();

        using var client = new TcpClient(AddressFamily.InterNetwork);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task DisposeAbortsOpenConnectionsAtOnce()
    {
        using var timeout = Timeout();
        var listener = Start(EchoAsync);
        using var client = await ConnectAsync(listener, timeout.Token);
        await client.SendAsync("x", timeout.Token);
        Assert.Equal("x", await client.ReadTextAsync(1, timeout.Token));

        await listener.DisposeAsync().AsTask().WaitAsync(timeout.Token);

        Assert.Equal(0, listener.ActiveConnections);
        Assert.Empty(await client.ReadToEndAsync(timeout.Token));
    }
}
