using System.Net.Sockets;
using System.Text;

namespace FastMail.IntegrationTests.Harness;

/// <summary>
/// Reads a whole mailbox over POP3 as raw octets: per message, the multi-line RETR reply between its status line and the
/// final ".", still dot-stuffed, exactly as it crossed the wire. Two servers that store the same message send the same octets.
/// </summary>
internal static class RawPop3
{
    public static async Task<List<byte[]>> RetrieveAllAsync(int port, string user, string password)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reader = new Reader(client.GetStream(), timeout.Token);
        await reader.ExpectOkAsync();
        await reader.SendAsync($"USER {user}");
        await reader.ExpectOkAsync();
        await reader.SendAsync($"PASS {password}");
        await reader.ExpectOkAsync();
        await reader.SendAsync("STAT");
        var stat = await reader.ExpectOkAsync();
        var count = int.Parse(stat.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var messages = new List<byte[]>();
        for (var i = 1; i <= count; i++)
        {
            await reader.SendAsync($"RETR {i}");
            await reader.ExpectOkAsync();
            messages.Add(await reader.ReadMultiLineAsync());
        }

        await reader.SendAsync("QUIT");
        await reader.ExpectOkAsync();
        return messages;
    }

    /// <summary>Undoes the byte-stuffing of a multi-line reply: the message as the server stored it (with CRLF line ends).</summary>
    public static byte[] Unstuff(byte[] reply)
    {
        var text = Encoding.Latin1.GetString(reply);
        var lines = text.Split("\r\n");
        return Encoding.Latin1.GetBytes(string.Join("\r\n", lines.Select(l => l.StartsWith('.') ? l[1..] : l)));
    }

    private sealed class Reader(NetworkStream stream, CancellationToken cancellationToken)
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public Task SendAsync(string line) => stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken).AsTask();

        public async Task<string> ExpectOkAsync()
        {
            var line = Encoding.Latin1.GetString(await ReadLineAsync());
            Assert.StartsWith("+OK", line, StringComparison.Ordinal);
            return line.TrimEnd('\r', '\n');
        }

        public async Task<byte[]> ReadMultiLineAsync()
        {
            var body = new MemoryStream();
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.AsSpan().SequenceEqual(".\r\n"u8))
                {
                    return body.ToArray();
                }

                body.Write(line);
            }
        }

        private async Task<byte[]> ReadLineAsync()
        {
            while (true)
            {
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (lf >= 0)
                {
                    var line = _buffer[_start..(lf + 1)];
                    _start = lf + 1;
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
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException("the POP3 server closed the connection");
                }

                _end += read;
            }
        }
    }
}
