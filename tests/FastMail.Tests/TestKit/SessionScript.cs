using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FastMail.Tests.TestKit;

/// <summary>
/// Drives a protocol session as a script over in-memory pipes:
/// <c>await script.Send("EHLO x"); await script.Expect("250-");</c>.
/// Lines are CRLF-terminated; replies are read line by line, byte-exact.
/// </summary>
internal sealed class SessionScript : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly DuplexPipePair _pipes = new();
    private readonly Task _session;

    public SessionScript(Func<IDuplexPipe, Task> runSession)
    {
        _session = Task.Run(() => runSession(_pipes.Server));
    }

    public Task Session => _session;

    /// <summary>Sends <paramref name="line"/> followed by CRLF.</summary>
    public Task Send(string line) => SendRaw(line + "\r\n");

    /// <summary>Sends bytes exactly as given (Latin-1 for the string form, so any octet can be written).</summary>
    public Task SendRaw(string text) => SendRaw(Encoding.Latin1.GetBytes(text));

    public async Task SendRaw(byte[] bytes)
    {
        await _pipes.Client.Output.WriteAsync(bytes);
    }

    /// <summary>Closes the client's sending side, as a client that hangs up.</summary>
    public async Task CloseInput() => await _pipes.Client.Output.CompleteAsync();

    /// <summary>Reads one reply line (without CRLF). Throws on timeout or when the session closed the connection.</summary>
    public async Task<string> ReadLine()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var reader = _pipes.Client.Input;
        while (true)
        {
            var result = await reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var position = buffer.PositionOf((byte)'\n');
            if (position is not null)
            {
                var lineBytes = buffer.Slice(0, position.Value).ToArray();
                reader.AdvanceTo(buffer.GetPosition(1, position.Value));
                var line = Encoding.Latin1.GetString(lineBytes);
                if (!line.EndsWith('\r'))
                {
                    throw new InvalidOperationException($"reply line not CRLF-terminated: {line}");
                }

                return line[..^1];
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("session closed the connection");
            }
        }
    }

    /// <summary>Reads one line and asserts it starts with <paramref name="prefix"/>. Returns the line.</summary>
    public async Task<string> Expect(string prefix)
    {
        var line = await ReadLine();
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return line;
    }

    /// <summary>Reads a multi-line SMTP reply (lines "250-..." up to "250 ...") and returns all its lines.</summary>
    public async Task<List<string>> ExpectSmtpMultiline(string code)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLine();
            Assert.StartsWith(code, line, StringComparison.Ordinal);
            lines.Add(line);
            if (line.Length == 3 || line[3] == ' ')
            {
                return lines;
            }
        }
    }

    /// <summary>Reads a POP3 multi-line body after its "+OK" line, up to the "." line, un-stuffing leading dots.</summary>
    public async Task<List<string>> ReadPop3Body()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLine();
            if (line == ".")
            {
                return lines;
            }

            lines.Add(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line);
        }
    }

    /// <summary>True when the session closed its output (e.g. after QUIT or 421).</summary>
    public async Task<bool> IsClosed()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var result = await _pipes.Client.Input.ReadAsync(cts.Token);
        var closed = result.IsCompleted && result.Buffer.IsEmpty;
        _pipes.Client.Input.AdvanceTo(result.Buffer.Start);
        return closed;
    }

    public async ValueTask DisposeAsync()
    {
        await _pipes.Client.Output.CompleteAsync();
        try
        {
            await _session.WaitAsync(Timeout);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
