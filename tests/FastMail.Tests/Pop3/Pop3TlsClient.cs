using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using FastMail.Pop3;
using FastMail.Tests.TestKit;
using FastMail.Tests.Transport;
using FastMail.Transport.Tls;

namespace FastMail.Tests.Pop3;

/// <summary>
/// A POP3 client over in-memory pipes that starts in plaintext and can switch to TLS after STLS, like a real client.
/// Reads a byte at a time, so it never takes plaintext bytes that belong to the handshake.
/// </summary>
internal sealed class Pop3TlsClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly DuplexPipePair _pipes = new();
    private readonly Stream _plaintext;
    private Stream _stream;
    private SslStream? _ssl;

    public Pop3TlsClient(Pop3SessionHandler handler, IPEndPoint remote)
    {
        Connection = new TlsTestConnection(_pipes.Server, remote);
        _plaintext = new DuplexPipeStream(_pipes.Client.Input, _pipes.Client.Output);
        _stream = _plaintext;
        Session = Task.Run(async () =>
        {
            await handler.RunAsync(Connection, CancellationToken.None);
            await Connection.DisposeAsync();
        });
    }

    public TlsTestConnection Connection { get; }

    public Task Session { get; }

    public Task Send(string line) => SendRaw(line + "\r\n");

    public async Task SendRaw(string text)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    /// <summary>Runs the client handshake (trusting the test certificate); from now on everything goes through TLS.</summary>
    public async Task StartTls()
    {
        using var cts = new CancellationTokenSource(Timeout);
        _ssl = await TlsTestKit.AuthenticateAsClientAsync(_plaintext, SslProtocols.None, cts.Token);
        _stream = _ssl;
    }

    /// <summary>Reads one reply line without CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineOrEnd()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, cts.Token) == 0)
            {
                return line.Count == 0 ? null : throw new EndOfStreamException("closed mid-line");
            }

            if (one[0] == (byte)'\n')
            {
                Assert.True(line.Count > 0 && line[^1] == (byte)'\r', "reply line not CRLF-terminated");
                return Encoding.Latin1.GetString([.. line.Take(line.Count - 1)]);
            }

            line.Add(one[0]);
        }
    }

    public async Task<string> ReadLine() => await ReadLineOrEnd() ?? throw new EndOfStreamException("session closed the connection");

    public async Task ExpectLine(string expected) => Assert.Equal(expected, await ReadLine());

    public async Task<string> Expect(string prefix)
    {
        var line = await ReadLine();
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return line;
    }

    /// <summary>Reads a multi-line body up to its "." line.</summary>
    public async Task<List<string>> ReadBody()
    {
        var lines = new List<string>();
        while (await ReadLine() is var line && line != ".")
        {
            lines.Add(line);
        }

        return lines;
    }

    public async Task<List<string>> Capabilities()
    {
        await Send("CAPA");
        await ExpectLine("+OK Capability list follows");
        return await ReadBody();
    }

    public async ValueTask DisposeAsync()
    {
        if (_ssl is not null)
        {
            await _ssl.DisposeAsync();
        }

        await _pipes.Client.Output.CompleteAsync();
        await Session.WaitAsync(Timeout);
        await _pipes.Client.Input.CompleteAsync();
    }
}
