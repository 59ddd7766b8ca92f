using System.Net;
using System.Net.Sockets;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

public sealed class AcceptLoopTests
{
    [Fact]
    public async Task TheAcceptLoopSurvivesTransientAcceptErrorsAndServesTheNextClient()
    {
        using var timeout = Timeout();
        var logger = new RecordingLogger();
        var failuresLeft = 3;
        var options = new ListenerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Name = "test" };

        // What a host out of file descriptors sees: accept fails with EMFILE until some close.
        await using var listener = SocketListener.Start(options, EchoAsync, logger, (socket, cancellationToken) =>
            Interlocked.Decrement(ref failuresLeft) >= 0
                ? ValueTask.FromException<Socket>(new SocketException((int)SocketError.TooManyOpenSockets))
                : socket.AcceptAsync(cancellationToken));

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.SendAsync("after EMFILE", timeout.Token);

        Assert.Equal("after EMFILE", await client.ReadTextAsync(12, timeout.Token));
        Assert.Equal(3, logger.Entries.Count(e => e.EventId == 1003));
    }
}
