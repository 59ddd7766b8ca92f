using System.Net;
using System.Text;

namespace FastMail.Load.Protocol;

/// <summary>
/// A minimal SMTP client, one command at a time (no PIPELINING): EHLO once per connection,
/// then MAIL, RCPT×n, DATA per message; RSET between messages; QUIT at the end.
/// </summary>
internal sealed class SmtpClientConnection : IClientConnection
{
    private readonly LineConnection _connection;
    private readonly byte[] _command = new byte[1024];
    private int _messagesSent;

    private SmtpClientConnection(LineConnection connection) => _connection = connection;

    public int MessagesSent => _messagesSent;

    public static async ValueTask<SmtpClientConnection> OpenAsync(IPEndPoint endPoint, string heloName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await LineConnection.ConnectAsync(endPoint, timeout, cancellationToken);
        var client = new SmtpClientConnection(connection);
        try
        {
            await client.ExpectAsync(220, "greeting", cancellationToken);
            await client.CommandAsync("EHLO ", heloName, 250, "ehlo", cancellationToken);
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
        await CommandAsync("QUIT", "", 221, "quit", cancellationToken);
    }

    private ValueTask CommandAsync(string verb, string argument, int expected, string step, CancellationToken cancellationToken) =>
        CommandAsync(verb, argument, "", expected, step, cancellationToken);

    private async ValueTask CommandAsync(string verb, string argument, string suffix, int expected, string step, CancellationToken cancellationToken)
    {
        var length = Encoding.ASCII.GetBytes(verb, _command);
        length += Encoding.ASCII.GetBytes(argument, _command.AsSpan(length));
        length += Encoding.ASCII.GetBytes(suffix, _command.AsSpan(length));
        _command[length++] = (byte)'\r';
        _command[length++] = (byte)'\n';
        await _connection.SendAsync(_command.AsMemory(0, length), cancellationToken);
        await ExpectAsync(expected, step, cancellationToken);
    }

    /// <summary>Reads a whole (possibly multi-line, RFC 5321 4.2.1) reply and checks its code.</summary>
    private async ValueTask ExpectAsync(int expected, string step, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _connection.ReadLineAsync(cancellationToken);
            var span = line.Span;
            if (span.Length < 3 || !TryCode(span, out var code))
            {
                throw new ProtocolException($"smtp-{step}-garbled", $"unparsable reply to {step}: {Encoding.ASCII.GetString(span)}");
            }
            if (span.Length > 3 && span[3] == '-')
            {
                continue;
            }
            if (code != expected)
            {
                throw new ProtocolException($"smtp-{step}-{code}", $"{step}: {Encoding.ASCII.GetString(span)}");
            }
            return;
        }
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
