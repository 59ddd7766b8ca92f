using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using FastMail.Transport;
using FastMail.Transport.Tls;
using static FastMail.Tests.Transport.TlsTestKit;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

/// <summary>STARTTLS / STLS: a plaintext dialogue, a "ready" reply, then TLS over the same connection.</summary>
public sealed class StartTlsTests
{
    [Theory]
    [InlineData(SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls12)]
    public async Task UpgradeAfterAPlaintextCommandEchoesOverTlsWithTheProtocolTheClientForced(SslProtocols clientProtocols)
    {
        using var timeout = Timeout();
        var negotiated = new TaskCompletionSource<(SslProtocols Protocol, TlsCipherSuite Cipher)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            Assert.Equal("STARTTLS", await ReadLineAsync(connection.Input, discardRest: true, timeout.Token));
            await connection.Output.WriteAsync("220 go\r\n"u8.ToArray(), timeout.Token);
            await using var tls = await TlsPipe.UpgradeAsync(connection, ServerOptions(), timeout.Token);
            negotiated.TrySetResult((tls.Protocol, tls.CipherSuite));
            await EchoAsync(tls);
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteTextAsync("STARTTLS\r\n", timeout.Token);
        Assert.Equal("220 go\r\n", await stream.ReadTextAsync(8, timeout.Token));
        await using var ssl = await AuthenticateAsClientAsync(stream, clientProtocols, timeout.Token);
        await ssl.WriteTextAsync("EHLO secret\r\n", timeout.Token);

        Assert.Equal("EHLO secret\r\n", await ssl.ReadTextAsync(13, timeout.Token));
        var (protocol, cipher) = await negotiated.Task.WaitAsync(timeout.Token);
        Assert.Equal(clientProtocols, protocol);
        Assert.Equal(ssl.NegotiatedCipherSuite, cipher);
    }

    [Fact]
    public async Task TheConnectionUpgradeSwitchesInputAndOutputToTlsAndReportsIt()
    {
        using var timeout = Timeout();
        var states = new TaskCompletionSource<(bool Before, bool After, SslProtocols Protocol, TlsCipherSuite? Cipher)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            await ReadLineAsync(connection.Input, discardRest: true, timeout.Token);
            await connection.Output.WriteAsync("+OK Begin TLS negotiation\r\n"u8.ToArray(), timeout.Token);
            var before = connection.IsTls;
            await connection.UpgradeToTlsAsync(ServerOptions(), timeout.Token);
            states.TrySetResult((before, connection.IsTls, connection.TlsProtocol, connection.TlsCipherSuite));

            // The transport disposes the TLS session after the handler returns.
            await EchoAsync(connection);
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteTextAsync("STLS\r\n", timeout.Token);
        Assert.Equal("+OK Begin TLS negotiation\r\n", await stream.ReadTextAsync(27, timeout.Token));
        await using var ssl = await AuthenticateAsClientAsync(stream, SslProtocols.Tls13, timeout.Token);
        await ssl.WriteTextAsync("USER a\r\n", timeout.Token);
        Assert.Equal("USER a\r\n", await ssl.ReadTextAsync(8, timeout.Token));

        var (beforeTls, afterTls, protocol, cipher) = await states.Task.WaitAsync(timeout.Token);
        Assert.False(beforeTls);
        Assert.True(afterTls);
        Assert.Equal(SslProtocols.Tls13, protocol);
        Assert.Equal(ssl.NegotiatedCipherSuite, cipher);

        // Closing TLS cleanly from the client ends the echo; the server answers with its own close_notify and FIN.
        await ssl.ShutdownAsync();
        Assert.Equal(0, await ssl.ReadAsync(new byte[1], timeout.Token));
    }

    [Fact]
    public async Task PlaintextPipelinedAfterStartTlsInTheSamePacketIsDiscardedAndNeverEchoedOverTls()
    {
        using var timeout = Timeout();
        var seen = new ArrayBufferWriter<byte>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            try
            {
                await ReadLineAsync(connection.Input, discardRest: true, timeout.Token);
                await connection.Output.WriteAsync("220 go\r\n"u8.ToArray(), timeout.Token);
                await using var tls = await TlsPipe.UpgradeAsync(connection, ServerOptions(), timeout.Token);
                await EchoAsync(tls, seen);
            }
            finally
            {
                done.TrySetResult();
            }
        });

        using var client = await ConnectAsync(listener, timeout.Token);
        var stream = client.GetStream();

        // One write, one segment: the injected command arrives together with STARTTLS (CVE-2011-0411).
        await stream.WriteTextAsync("STARTTLS\r\nRCPT TO:<victim@example.org>\r\n", timeout.Token);
        Assert.Equal("220 go\r\n", await stream.ReadTextAsync(8, timeout.Token));
        await using (var ssl = await AuthenticateAsClientAsync(stream, SslProtocols.Tls13, timeout.Token))
        {
            await ssl.WriteTextAsync("NOOP\r\n", timeout.Token);
            Assert.Equal("NOOP\r\n", await ssl.ReadTextAsync(6, timeout.Token));
            await ssl.ShutdownAsync();
            Assert.Equal(0, await ssl.ReadAsync(new byte[1], timeout.Token));
        }

        await done.Task.WaitAsync(timeout.Token);
        lock (seen)
        {
            Assert.Equal("NOOP\r\n", Encoding.ASCII.GetString(seen.WrittenSpan));
        }
    }

    [Fact]
    public async Task PlaintextLeftUnreadByACarelessSessionMakesTheHandshakeFailInsteadOfBeingExecuted()
    {
        using var timeout = Timeout();
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        await using var listener = Start(async (connection, _) =>
        {
            if (Interlocked.Increment(ref handled) > 1)
            {
                await TransportTestKit.EchoAsync(connection, CancellationToken.None);
                return;
            }

            // Consumes only its own line and leaves the injected one in the buffer.
            await ReadLineAsync(connection.Input, discardRest: false, timeout.Token);
            await connection.Output.WriteAsync("220 go\r\n"u8.ToArray(), timeout.Token);
            try
            {
                await using var tls = await TlsPipe.UpgradeAsync(connection, ServerOptions(), timeout.Token);
                var read = await tls.Input.ReadAsync(timeout.Token);
                outcome.TrySetResult(null);
            }
            catch (Exception exception)
            {
                outcome.TrySetResult(exception);
            }
        });

        using (var client = await ConnectAsync(listener, timeout.Token))
        {
            var stream = client.GetStream();
            await stream.WriteTextAsync("STARTTLS\r\nRCPT TO:<victim@example.org>\r\n", timeout.Token);
            Assert.Equal("220 go\r\n", await stream.ReadTextAsync(8, timeout.Token));
            await Assert.ThrowsAnyAsync<Exception>(() => AuthenticateAsClientAsync(stream, SslProtocols.Tls13, timeout.Token));
        }

        var failure = await outcome.Task.WaitAsync(timeout.Token);
        Assert.True(failure is AuthenticationException or IOException, $"Expected a failed handshake, got {failure?.GetType().Name ?? "a successful upgrade"}.");

        // The listener keeps serving.
        using var next = await ConnectAsync(listener, timeout.Token);
        await next.SendAsync("still here", timeout.Token);
        Assert.Equal("still here", await next.ReadTextAsync(10, timeout.Token));
    }

    [Fact]
    public async Task AClientThatClosesDuringTheHandshakeMakesTheUpgradeThrowNotHang()
    {
        using var timeout = Timeout();
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            await ReadLineAsync(connection.Input, discardRest: true, timeout.Token);
            await connection.Output.WriteAsync("220 go\r\n"u8.ToArray(), timeout.Token);
            try
            {
                await using var tls = await TlsPipe.UpgradeAsync(connection, ServerOptions(), timeout.Token);
                outcome.TrySetResult(null);
            }
            catch (Exception exception)
            {
                outcome.TrySetResult(exception);
            }
        });

        using (var client = await ConnectAsync(listener, timeout.Token))
        {
            await client.SendAsync("STARTTLS\r\n", timeout.Token);
            Assert.Equal("220 go\r\n", await client.ReadTextAsync(8, timeout.Token));
        }

        Assert.IsAssignableFrom<IOException>(await outcome.Task.WaitAsync(timeout.Token));
    }

    [Fact]
    public async Task TheUpgradeGivesUpWhenItsTokenFires()
    {
        using var timeout = Timeout();
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            using var handshake = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                await using var tls = await TlsPipe.UpgradeAsync(connection, ServerOptions(), handshake.Token);
                outcome.TrySetResult(null);
            }
            catch (Exception exception)
            {
                outcome.TrySetResult(exception);
            }
        });

        using var client = await ConnectAsync(listener, timeout.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(await outcome.Task.WaitAsync(timeout.Token));
        Assert.Empty(await client.ReadToEndAsync(timeout.Token));
    }

    [Fact]
    public async Task TheConnectionUpgradeIsBoundedByTheListenersHandshakeTimeout()
    {
        using var timeout = Timeout();
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            try
            {
                await connection.UpgradeToTlsAsync(ServerOptions(), CancellationToken.None);
                outcome.TrySetResult(null);
            }
            catch (Exception exception)
            {
                outcome.TrySetResult(exception);
            }
        }, o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(200));

        using var client = await ConnectAsync(listener, timeout.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(await outcome.Task.WaitAsync(timeout.Token));
        Assert.Empty(await client.ReadToEndAsync(timeout.Token));
    }
}
