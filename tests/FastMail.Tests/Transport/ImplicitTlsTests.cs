using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using static FastMail.Tests.Transport.TlsTestKit;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

/// <summary>SMTPS / POP3S (RFC 8314 3.3): the listener completes the handshake before the handler runs.</summary>
public sealed class ImplicitTlsTests
{
    [Theory]
    [InlineData(SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls12)]
    public async Task AnImplicitTlsListenerHandsTheHandlerDecryptedPipesAndTheNegotiatedProtocol(SslProtocols clientProtocols)
    {
        using var timeout = Timeout();
        var seen = new TaskCompletionSource<(bool IsTls, SslProtocols Protocol, TlsCipherSuite? Cipher, System.Net.IPEndPoint? Remote)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, shutdown) =>
        {
            seen.TrySetResult((connection.IsTls, connection.TlsProtocol, connection.TlsCipherSuite, connection.RemoteEndPoint));
            await TransportTestKit.EchoAsync(connection, shutdown);
        }, o => o.Tls = ServerOptions());

        using var client = await ConnectAsync(listener, timeout.Token);
        await using var ssl = await AuthenticateAsClientAsync(client.GetStream(), clientProtocols, timeout.Token);
        await ssl.WriteTextAsync("EHLO client\r\n", timeout.Token);
        Assert.Equal("EHLO client\r\n", await ssl.ReadTextAsync(13, timeout.Token));

        var (isTls, protocol, cipher, remote) = await seen.Task.WaitAsync(timeout.Token);
        Assert.True(isTls);
        Assert.Equal(clientProtocols, protocol);
        Assert.Equal(ssl.NegotiatedCipherSuite, cipher);
        Assert.Equal(client.Client.LocalEndPoint, remote);
    }

    [Fact]
    public async Task APlaintextClientIsDisconnectedWithoutReachingTheHandlerAndTheListenerKeepsServing()
    {
        using var timeout = Timeout();
        var logger = new RecordingLogger();
        var handled = 0;
        await using var listener = Start(async (connection, shutdown) =>
        {
            Interlocked.Increment(ref handled);
            await TransportTestKit.EchoAsync(connection, shutdown);
        }, o => o.Tls = ServerOptions(), logger);

        using (var plain = await ConnectAsync(listener, timeout.Token))
        {
            await plain.SendAsync("EHLO plaintext\r\n", timeout.Token);
            var answer = await plain.ReadToEndAsync(timeout.Token);
            Assert.DoesNotContain((byte)'E', answer);
        }

        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
        Assert.Equal(0, Volatile.Read(ref handled));
        Assert.True(logger.Has(1016));

        using var client = await ConnectAsync(listener, timeout.Token);
        await using var ssl = await AuthenticateAsClientAsync(client.GetStream(), SslProtocols.Tls13, timeout.Token);
        await ssl.WriteTextAsync("ping", timeout.Token);
        Assert.Equal("ping", await ssl.ReadTextAsync(4, timeout.Token));
        Assert.Equal(1, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task AClientThatNeverCompletesTheHandshakeIsDroppedAfterTheHandshakeTimeout()
    {
        using var timeout = Timeout();
        var logger = new RecordingLogger();
        var handled = 0;
        await using var listener = Start((connection, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        }, o =>
        {
            o.Tls = ServerOptions();
            o.HandshakeTimeout = TimeSpan.FromMilliseconds(300);
        }, logger);

        using var silent = await ConnectAsync(listener, timeout.Token);

        Assert.Empty(await silent.ReadToEndAsync(timeout.Token));
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
        Assert.Equal(0, Volatile.Read(ref handled));
        Assert.True(logger.Has(1017));
    }

    [Fact]
    public async Task SeveralMegabytesEchoIntactOverTlsWithSmallBufferLimits()
    {
        using var timeout = Timeout();
        await using var listener = Start(TransportTestKit.EchoAsync, o =>
        {
            o.Tls = ServerOptions();

            // Small limits so both directions pause and resume many times during the transfer.
            o.MaxReadBufferSize = 64 * 1024;
            o.MaxWriteBufferSize = 64 * 1024;
        });
        var payload = RandomBytes(6 * 1024 * 1024, seed: 3);

        using var client = await ConnectAsync(listener, timeout.Token);
        await using var ssl = await AuthenticateAsClientAsync(client.GetStream(), SslProtocols.Tls13, timeout.Token);
        var reading = ReadAllAsync(ssl, payload.Length, timeout.Token);
        for (var offset = 0; offset < payload.Length; offset += 100_000)
        {
            await ssl.WriteAsync(payload.AsMemory(offset, Math.Min(100_000, payload.Length - offset)), timeout.Token);
        }

        var echoed = await reading;
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }

    [Fact]
    public async Task OutputWrittenButNotFlushedIsSentOverTlsThenCloseNotifyWhenTheHandlerReturns()
    {
        using var timeout = Timeout();
        var payload = RandomBytes(1024 * 1024, seed: 4);
        await using var listener = Start((connection, _) =>
        {
            connection.Output.Write(payload);
            return Task.CompletedTask;
        }, o => o.Tls = ServerOptions());

        using var client = await ConnectAsync(listener, timeout.Token);
        await using var ssl = await AuthenticateAsClientAsync(client.GetStream(), SslProtocols.Tls13, timeout.Token);
        var received = await ReadAllAsync(ssl, payload.Length, timeout.Token);

        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));

        // A clean end of the TLS stream (close_notify), not a truncation.
        Assert.Equal(0, await ssl.ReadAsync(new byte[1], timeout.Token));
    }

    [Fact]
    public async Task AHandlerSeesItsFlushReportCompletionOnceATlsPeerHasGone()
    {
        using var timeout = Timeout();
        var completed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            ready.TrySetResult();
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 10_000; i++)
            {
                var flush = await connection.Output.WriteAsync(chunk, timeout.Token);
                if (flush.IsCompleted)
                {
                    completed.TrySetResult(true);
                    return;
                }
            }

            completed.TrySetResult(false);
        }, o => o.Tls = ServerOptions());

        using (var client = await ConnectAsync(listener, timeout.Token))
        {
            await using var ssl = await AuthenticateAsClientAsync(client.GetStream(), SslProtocols.Tls13, timeout.Token);
            await ready.Task.WaitAsync(timeout.Token);
            client.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }

        Assert.True(await completed.Task.WaitAsync(timeout.Token));
    }

    [Fact]
    public async Task GarbageAfterTheHandshakeEndsTheHandlersInputWithoutAnExceptionLikeAReset()
    {
        using var timeout = Timeout();
        var logger = new RecordingLogger();
        var ended = new TaskCompletionSource<(bool Completed, long Length)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = Start(async (connection, _) =>
        {
            while (true)
            {
                var read = await connection.Input.ReadAsync(CancellationToken.None);
                connection.Input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    ended.TrySetResult((true, read.Buffer.Length));
                    return;
                }
            }
        }, o => o.Tls = ServerOptions(), logger);

        using var client = await ConnectAsync(listener, timeout.Token);
        await using var ssl = await AuthenticateAsClientAsync(client.GetStream(), SslProtocols.Tls13, timeout.Token);

        // An application-data record whose ciphertext is random: it cannot authenticate.
        byte[] forged = [0x17, 0x03, 0x03, 0x00, 0x20, .. RandomBytes(32, seed: 5)];
        await client.GetStream().WriteAsync(forged, timeout.Token);

        var (completed, length) = await ended.Task.WaitAsync(timeout.Token);
        Assert.True(completed);
        Assert.Equal(0, length);
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
        Assert.False(logger.Has(1009));
        Assert.True(logger.Has(1018));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
