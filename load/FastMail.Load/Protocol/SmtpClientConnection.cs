using System.Net;
using System.Text;

namespace FastMail.Load.Protocol;

/// <summary>
/// A minimal SMTP client: EHLO once per connection, then per message either one command at a time
/// (MAIL, RCPT×n, DATA; RSET between messages) or, with <see cref="SendPipelinedAsync"/>, RFC 2920
/// command groups; QUIT at the end.
/// </summary>
internal sealed partial class SmtpClientConnection : IClientConnection
{
    private readonly LineConnection _connection;
    private readonly byte[] _command = new byte[1024];
    private int _messagesSent;

    private SmtpClientConnection(LineConnection connection) => _connection = connection;

    public int MessagesSent => _messagesSent;

    /// <summary>Whether the server listed PIPELINING in its EHLO reply (RFC 2920 3).</summary>
    public bool ServerPipelines { get; private set; }

    public static async ValueTask<SmtpClientConnection> OpenAsync(IPEndPoint endPoint, string heloName, TimeSpan timeout, CancellationToken cancellationToken,
        IPAddress? localAddress = null)
    {
        var connection = await LineConnection.ConnectAsync(endPoint, timeout, cancellationToken, localAddress);
        var client = new SmtpClientConnection(connection);
        try
        {
            await client.ExpectAsync(220, "greeting", cancellationToken);
            await client.WriteCommandAsync("EHLO ", heloName, "", cancellationToken);
            await client.ExpectAsync(250, "ehlo", cancellationToken, line => client.ServerPipelines |= IsKeyword(line, "PIPELINING"u8));
            return client;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one message; returns only when the server answered 250 to the end of DATA.</summary>
    public async ValueTask SendAsync(string from, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> dataPayload, CancellationToken cancellationToken)
    {
        if (_messagesSent > 0)
        {
            await CommandAsync("RSET", "", 250, "rset", cancellationToken);
        }
        await CommandAsync("MAIL FROM:<", from, ">", 250, "mail", cancellationToken);
        for (var i = 0; i < recipients.Count; i++)
        {
            await CommandAsync("RCPT TO:<", recipients[i], ">", 250, "rcpt", cancellationToken);
        }
        await CommandAsync("DATA", "", 354, "data", cancellationToken);
        await _connection.SendAsync(dataPayload, cancellationToken);
        await ExpectAsync(250, "data-end", cancellationToken);
        _messagesSent++;
    }

    public async ValueTask QuitAsync(CancellationToken cancellationToken)
    {
        if (EnvelopeAhead)
        {
            // The server is (or will be) in DATA after the group sent ahead: a QUIT now would be message
            // text. Closing without it abandons that transaction, and the server keeps no message.
            return;
        }
        await CommandAsync("QUIT", "", 221, "quit", cancellationToken);
    }

    private ValueTask CommandAsync(string verb, string argument, int expected, string step, CancellationToken cancellationToken) =>
        CommandAsync(verb, argument, "", expected, step, cancellationToken);

    private async ValueTask CommandAsync(string verb, string argument, string suffix, int expected, string step, CancellationToken cancellationToken)
    {
        await WriteCommandAsync(verb, argument, suffix, cancellationToken);
        await ExpectAsync(expected, step, cancellationToken);
    }

    private ValueTask WriteCommandAsync(string verb, string argument, string suffix, CancellationToken cancellationToken)
    {
        var length = Encoding.ASCII.GetBytes(verb, _command);
        length += Encoding.ASCII.GetBytes(argument, _command.AsSpan(length));
        length += Encoding.ASCII.GetBytes(suffix, _command.AsSpan(length));
        _command[length++] = (byte)'\r';
        _command[length++] = (byte)'\n';
        return _connection.SendAsync(_command.AsMemory(0, length), cancellationToken);
    }

    /// <summary>Reads a whole (possibly multi-line, RFC 5321 4.2.1) reply and checks its code.</summary>
    private async ValueTask ExpectAsync(int expected, string step, CancellationToken cancellationToken, Action<ReadOnlySpan<byte>>? onLine = null)
    {
        var code = await ReadReplyAsync(step, cancellationToken, onLine);
        if (code.Code != expected)
        {
            throw new ProtocolException($"smtp-{step}-{code.Code}", $"{step}: {code.Text}");
        }
    }

    /// <summary>Reads a whole reply; returns its code and (for error messages) its last line.</summary>
    private async ValueTask<(int Code, string Text)> ReadReplyAsync(string step, CancellationToken cancellationToken, Action<ReadOnlySpan<byte>>? onLine = null)
    {
        while (true)
        {
            var line = await _connection.ReadLineAsync(cancellationToken);
            var span = line.Span;
            if (span.Length < 3 || !TryCode(span, out var code))
            {
                throw new ProtocolException($"smtp-{step}-garbled", $"unparsable reply to {step}: {Encoding.ASCII.GetString(span)}");
            }
            onLine?.Invoke(span.Length > 4 ? span[4..] : default);
            if (span.Length > 3 && span[3] == '-')
            {
                continue;
            }
            return (code, Encoding.ASCII.GetString(span));
        }
    }

    /// <summary>An EHLO line's keyword (the text up to the first space) equals <paramref name="keyword"/>, ignoring case.</summary>
    private static bool IsKeyword(ReadOnlySpan<byte> line, ReadOnlySpan<byte> keyword)
    {
        var space = line.IndexOf((byte)' ');
        var word = space < 0 ? line : line[..space];
        return Ascii.EqualsIgnoreCase(word, keyword);
    }

    private static bool TryCode(ReadOnlySpan<byte> line, out int code)
    {
        code = 0;
        for (var i = 0; i < 3; i++)
        {
            var digit = line[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }
            code = code * 10 + digit;
        }
        return true;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
