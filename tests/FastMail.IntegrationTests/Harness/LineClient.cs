using System.Net.Sockets;
using System.Text;

namespace FastMail.IntegrationTests.Harness;

/// <summary>A telnet-like client over a real socket: sends lines as typed, reads reply lines. Latin-1 so any octet survives.</summary>
internal sealed class LineClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private LineClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<LineClient> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new LineClient(client);
    }

    public Task SendLineAsync(string line) => SendRawAsync(line + "\r\n");

    public async Task SendRawAsync(string text) => await SendRawAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    /// <summary>Reads one line without its CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidOperationException("reply line longer than the client buffer");
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Reads one line and asserts its start; returns it.</summary>
    public async Task<string> ExpectAsync(string prefix)
    {
        var line = await ReadLineAsync();
        Assert.NotNull(line);
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return line;
    }

    /// <summary>Reads an SMTP reply, single or multi-line, asserting the code; returns its lines.</summary>
    public async Task<List<string>> ExpectSmtpAsync(string code)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ExpectAsync(code);
            lines.Add(line);
            if (line.Length == 3 || line[3] == ' ')
            {
                return lines;
            }
        }
    }

    /// <summary>Reads a POP3 multi-line body up to the lone ".", un-stuffing leading dots.</summary>
    public async Task<List<string>> ReadPop3BodyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new EndOfStreamException("connection closed inside a multi-line reply");
            if (line == ".")
            {
                return lines;
            }

            lines.Add(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line);
        }
    }

    /// <summary>True when the server has closed the connection (reads until EOF, discarding anything left).</summary>
    public async Task<bool> IsClosedAsync()
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (line is null)
            {
                return true;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
