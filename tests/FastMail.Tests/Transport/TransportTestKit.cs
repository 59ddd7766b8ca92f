using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FastMail.Tests.TestKit;
using FastMail.Transport;
using Microsoft.Extensions.Logging;

namespace FastMail.Tests.Transport;

/// <summary>Listeners on 127.0.0.1 port 0, real TCP clients, and reads that give up instead of hanging.</summary>
internal static class TransportTestKit
{
    /// <summary>Generous bound on any single wait: a broken transport fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static SocketListener Start(ConnectionHandler handler, Action<ListenerOptions>? configure = null, ILogger? logger = null)
    {
        var options = new ListenerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Name = "test" };
        configure?.Invoke(options);
        return SocketListener.Start(options, handler, logger ?? new RecordingLogger());
    }

    public static async Task<TcpClient> ConnectAsync(SocketListener listener, CancellationToken cancellationToken)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.LocalEndPoint.Port), cancellationToken);
        return client;
    }

    /// <summary>Copies every byte from input to output until the peer closes: the simplest handler.</summary>
    public static async Task EchoAsync(TransportConnection connection, CancellationToken shutdown)
    {
        while (true)
        {
            var read = await connection.Input.ReadAsync(CancellationToken.None);
            foreach (var segment in read.Buffer)
            {
                connection.Output.Write(segment.Span);
            }

            connection.Input.AdvanceTo(read.Buffer.End);
            var flush = await connection.Output.FlushAsync(CancellationToken.None);
            if (read.IsCompleted || flush.IsCompleted)
            {
                return;
            }
        }
    }

    public static async Task SendAsync(this TcpClient client, string text, CancellationToken cancellationToken)
        => await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);

    public static async Task<string> ReadTextAsync(this TcpClient client, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        await client.GetStream().ReadExactlyAsync(buffer, cancellationToken);
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Reads until the server closes; a reset counts as closed (an aborted connection may end either way).</summary>
    public static async Task<byte[]> ReadToEndAsync(this TcpClient client, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        var stream = client.GetStream();
        try
        {
            while (true)
            {
                var count = await stream.ReadAsync(received.GetMemory(64 * 1024), cancellationToken);
                if (count == 0)
                {
                    break;
                }

                received.Advance(count);
            }
        }
        catch (IOException exception) when (exception.InnerException is SocketException)
        {
        }

        return received.WrittenSpan.ToArray();
    }

    /// <summary>Polls a condition the transport reaches asynchronously (a count dropping, a state reached); fails after <see cref="Patience"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    public static CancellationTokenSource Timeout() => new(Patience);

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
