using System.Net;
using System.Net.Sockets;

namespace FastMail.Load.Protocol;

/// <summary>
/// A TCP connection that reads CRLF lines into one reused buffer and writes raw bytes.
/// Lines returned by <see cref="ReadLineAsync"/> stay valid until the next read.
/// </summary>
internal sealed class LineConnection : IAsyncDisposable
{
    // RFC 5321 4.5.3.1.5 (reply line 512) and RFC 5322 2.1.1 (998) are far below this;
    // a longer line is a protocol error, not a reason to grow.
    public const int DefaultBufferSize = 64 * 1024;

    // Linux IP_BIND_ADDRESS_NO_PORT (SOL_IP 24): a socket bound to a source address gets its port at
    // connect time, per destination, instead of reserving one at bind() for every destination.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private readonly TimeSpan _timeout;
    private int _start;
    private int _end;

    private LineConnection(Socket socket, TimeSpan timeout, int bufferSize)
    {
        _socket = socket;
        _timeout = timeout;
        _buffer = new byte[bufferSize];
    }

    /// <param name="localAddress">Source address to bind (e.g. 127.0.0.7, to spread many connections over
    /// several loopback addresses, each with its own 64k ports); null lets the kernel choose.</param>
    /// <param name="bufferSize">Read buffer: the longest line that can be read (idle connections need a greeting's worth).</param>
    public static async ValueTask<LineConnection> ConnectAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken,
        IPAddress? localAddress = null, int bufferSize = DefaultBufferSize)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (localAddress is not null)
            {
                if (OperatingSystem.IsLinux())
                {
                    socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                }
                socket.Bind(new IPEndPoint(localAddress, 0));
            }
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            await socket.ConnectAsync(endPoint, cts.Token);
            return new LineConnection(socket, timeout, bufferSize);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    /// <summary>Reads one line without its CRLF (a bare LF also ends a line).</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var lineEnd = _start + lf;
                var line = new ReadOnlyMemory<byte>(_buffer, _start, lf > 0 && _buffer[lineEnd - 1] == '\r' ? lf - 1 : lf);
                _start = lineEnd + 1;
                return line;
            }
            await FillAsync(cancellationToken);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new ProtocolException("line-too-long", $"server sent a line longer than {_buffer.Length} bytes");
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        int read;
        try
        {
            read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProtocolException("timeout", $"no reply within {_timeout.TotalSeconds:0.#} s");
        }
        if (read == 0)
        {
            throw new ProtocolException("closed", "server closed the connection");
        }
        _end += read;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
