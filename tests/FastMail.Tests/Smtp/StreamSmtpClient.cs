using System.Net;
using System.Security.Authentication;
using System.Text;
using FastMail.Smtp;
using FastMail.Tests.TestKit;
using FastMail.Tests.Transport;
using FastMail.Transport.Tls;

namespace FastMail.Tests.Smtp;

/// <summary>
/// An SMTP client over a stream that can switch to TLS mid-dialogue: plaintext over the client end of in-memory pipes,
/// then an <see cref="System.Net.Security.SslStream"/> over the same pipes. Reads a byte at a time, so nothing
/// after the 220 of STARTTLS is read before the handshake.
/// </summary>
internal sealed class StreamSmtpClient : IAsyncDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private readonly DuplexPipePair _pipes = new();
    private Stream _stream;

    private StreamSmtpClient(SmtpSessionHandler handler, IPEndPoint remote)
    {
        Connection = new TlsTestConnection(_pipes.Server, remote);
        Session = Task.Run(async () =>
        {
            try
            {
                await handler.RunAsync(Connection, default);
            }
            finally
            {
                await Connection.DisposeAsync();
            }
        });
        _stream = new DuplexPipeStream(_pipes.Client.Input, _pipes.Client.Output);
    }

    public TlsTestConnection Connection { get; }

    public Task Session { get; }

    public static async Task<StreamSmtpClient> ConnectAsync(SmtpSessionHandler handler, IPEndPoint remote)
    {
        var client = new StreamSmtpClient(handler, remote);
        Assert.StartsWith("220 ", await client.ReadLineAsync(), StringComparison.Ordinal);
        return client;
    }

    public Task SendAsync(string line) => SendRawAsync(line + "\r\n");

    public async Task SendRawAsync(string text)
    {
        await _stream.WriteAsync(Encoding.Latin1.GetBytes(text), _timeout.Token);
        await _stream.FlushAsync(_timeout.Token);
    }

    /// <summary>One reply line without CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, _timeout.Token) == 0)
            {
                return line.Count == 0 ? null : throw new EndOfStreamException("connection closed mid-line");
            }

            if (one[0] == (byte)'\n')
            {
                Assert.True(line.Count > 0 && line[^1] == (byte)'\r', "reply line not CRLF-terminated");
                return Encoding.Latin1.GetString(line.ToArray(), 0, line.Count - 1);
            }

            line.Add(one[0]);
        }
    }

    public async Task<List<string>> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new EndOfStreamException("connection closed");
            lines.Add(line);
            if (line.Length == 3 || line[3] == ' ')
            {
                return lines;
            }
        }
    }

    /// <summary>Runs the client handshake trusting the test certificate; the dialogue goes on encrypted.</summary>
    public async Task UpgradeAsync()
    {
        _stream = await TlsTestKit.AuthenticateAsClientAsync(_stream, SslProtocols.Tls12 | SslProtocols.Tls13, _timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _pipes.Client.Output.CompleteAsync();
        try
        {
            await Session.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await _stream.DisposeAsync();
            _timeout.Dispose();
        }
    }
}
