using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;

namespace FastMail.Load.Protocol;

/// <summary>A minimal POP3 client (RFC 1939): USER/PASS, STAT, UIDL, RETR, DELE, QUIT, one command at a time.</summary>
internal sealed class Pop3ClientConnection : IClientConnection
{
    private readonly LineConnection _connection;
    private readonly byte[] _command = new byte[512];

    private Pop3ClientConnection(LineConnection connection) => _connection = connection;

    /// <summary>Connects and reads the greeting.</summary>
    public static async ValueTask<Pop3ClientConnection> OpenAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken,
        IPAddress? localAddress = null)
    {
        var connection = await LineConnection.ConnectAsync(endPoint, timeout, cancellationToken, localAddress);
        var client = new Pop3ClientConnection(connection);
        try
        {
            await client.ExpectOkAsync("greeting", cancellationToken);
            return client;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        await CommandAsync("USER ", user, "user", cancellationToken);
        // RFC 1939 7: an -ERR here may mean a wrong password or a mailbox in use ([IN-USE], RFC 2449).
        await CommandAsync("PASS ", password, "pass", cancellationToken);
    }

    /// <summary>STAT: the number of messages in the maildrop.</summary>
    public async ValueTask<int> StatAsync(CancellationToken cancellationToken)
    {
        var line = await CommandAsync("STAT", "", "stat", cancellationToken);
        // "+OK nn mm"
        var rest = line.Span[3..].TrimStart((byte)' ');
        var end = rest.IndexOf((byte)' ');
        var digits = end < 0 ? rest : rest[..end];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw new ProtocolException("pop3-stat-garbled", "STAT reply without a count");
        }
        return count;
    }

    /// <summary>UIDL without argument: fills <paramref name="numbers"/> with the message numbers listed.</summary>
    public async ValueTask UidlAsync(List<int> numbers, CancellationToken cancellationToken)
    {
        numbers.Clear();
        await CommandAsync("UIDL", "", "uidl", cancellationToken);
        while (true)
        {
            var line = await _connection.ReadLineAsync(cancellationToken);
            var span = line.Span;
            if (span.Length == 1 && span[0] == '.')
            {
                return;
            }
            var space = span.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(span[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new ProtocolException("pop3-uidl-garbled", $"UIDL line: {Encoding.ASCII.GetString(span)}");
            }
            numbers.Add(number);
        }
    }

    /// <summary>RETR n: writes the message into <paramref name="message"/> with dot-stuffing undone and CRLF line ends.</summary>
    public async ValueTask RetrAsync(int number, ArrayBufferWriter<byte> message, CancellationToken cancellationToken)
    {
        message.ResetWrittenCount();
        await CommandAsync("RETR ", Number(number), "retr", cancellationToken);
        while (true)
        {
            var line = await _connection.ReadLineAsync(cancellationToken);
            var span = line.Span;
            if (span.Length > 0 && span[0] == '.')
            {
                if (span.Length == 1)
                {
                    return;
                }
                // RFC 1939 3: a line starting with the termination octet was byte-stuffed.
                span = span[1..];
            }
            message.Write(span);
            message.Write("\r\n"u8);
        }
    }

    public async ValueTask DeleAsync(int number, CancellationToken cancellationToken) =>
        await CommandAsync("DELE ", Number(number), "dele", cancellationToken);

    /// <summary>QUIT: in the TRANSACTION state this commits the deletions (RFC 1939 6).</summary>
    public async ValueTask QuitAsync(CancellationToken cancellationToken) =>
        await CommandAsync("QUIT", "", "quit", cancellationToken);

    private static string Number(int number) => number.ToString(CultureInfo.InvariantCulture);

    private async ValueTask<ReadOnlyMemory<byte>> CommandAsync(string verb, string argument, string step, CancellationToken cancellationToken)
    {
        var length = Encoding.ASCII.GetBytes(verb, _command);
        length += Encoding.ASCII.GetBytes(argument, _command.AsSpan(length));
        _command[length++] = (byte)'\r';
        _command[length++] = (byte)'\n';
        await _connection.SendAsync(_command.AsMemory(0, length), cancellationToken);
        return await ExpectOkAsync(step, cancellationToken);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ExpectOkAsync(string step, CancellationToken cancellationToken)
    {
        var line = await _connection.ReadLineAsync(cancellationToken);
        if (!line.Span.StartsWith("+OK"u8))
        {
            var text = Encoding.ASCII.GetString(line.Span);
            var kind = text.Contains("[IN-USE]", StringComparison.OrdinalIgnoreCase) ? "in-use" : "err";
            throw new ProtocolException($"pop3-{step}-{kind}", $"{step}: {text}");
        }
        return line;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
