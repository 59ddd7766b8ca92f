using FastMail.Tests.TestKit;
using FastMail.Transport;

namespace FastMail.Tests.Transport;

public sealed class ListenerOptionsTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var options = new ListenerOptions();

        Assert.Equal(1000, options.MaxConnections);
        Assert.Equal(20, options.MaxConnectionsPerIp);
        Assert.Equal(1024 * 1024, options.MaxReadBufferSize);
        Assert.Equal(1024 * 1024, options.MaxWriteBufferSize);
        Assert.Equal(512, options.Backlog);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CloseTimeout);
        Assert.True(options.BusyReply.IsEmpty);
        Assert.Null(options.Tls);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HandshakeTimeout);
        Assert.Equal(120, options.MaxConnectionRatePerIp);
    }

    [Theory]
    [InlineData(0, 20, 512)]
    [InlineData(1000, 0, 512)]
    [InlineData(1000, 20, 0)]
    public void StartRejectsLimitsBelowOne(int maxConnections, int maxConnectionsPerIp, int backlog)
    {
        var options = new ListenerOptions { MaxConnections = maxConnections, MaxConnectionsPerIp = maxConnectionsPerIp, Backlog = backlog };

        Assert.Throws<ArgumentOutOfRangeException>(() => SocketListener.Start(options, TransportTestKit.EchoAsync, new RecordingLogger()));
    }

    [Fact]
    public async Task ChangingTheOptionsAfterStartChangesNothing()
    {
        using var timeout = TransportTestKit.Timeout();
        var options = new ListenerOptions { MaxConnections = 1 };
        await using var listener = SocketListener.Start(options, TransportTestKit.EchoAsync, new RecordingLogger());
        options.MaxConnections = 5;

        using var first = await TransportTestKit.ConnectAsync(listener, timeout.Token);
        await TransportTestKit.SendAsync(first, "a", timeout.Token);
        Assert.Equal("a", await TransportTestKit.ReadTextAsync(first, 1, timeout.Token));
        using var second = await TransportTestKit.ConnectAsync(listener, timeout.Token);

        Assert.Empty(await TransportTestKit.ReadToEndAsync(second, timeout.Token));
    }
}
