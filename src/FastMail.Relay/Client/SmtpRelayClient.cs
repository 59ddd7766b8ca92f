using FastMail.Core.Mail;
using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using FastMail.Relay.Routing;

namespace FastMail.Relay.Client;

/// <summary>
/// One SMTP session with a next hop (RFC 5321 client side, with PIPELINING, SIZE, 8BITMIME, SMTPUTF8, DSN, STARTTLS, AUTH).
/// </summary>
/// <remarks>
/// Hand-written rather than MailKit's <c>SmtpClient</c>: that client only sends a <c>MimeMessage</c>, so every relayed body
/// would be parsed and re-serialized, changing bytes (folding, encodings, header order) and breaking DKIM signatures.
/// A relay must pass the stored bytes through unchanged; here they are only dot-stuffed on the way out.
/// <para>Credentials are sent only over TLS, or in clear text to a loopback address when <see cref="RelayClientOptions.RequireTls"/>
/// is off (a local smarthost or test peer: the password never crosses a network). An AUTH failure is a temporary
/// failure, like Postfix's <c>smtp_sasl_auth_soft_bounce</c>: a wrong password must not bounce the queue.</para>
/// <para>Not thread-safe: one transaction at a time.</para>
/// </remarks>
public sealed class SmtpRelayClient : IAsyncDisposable
{
    private const int BodyChunk = 64 * 1024;
    // What may not appear in a path (it would end the command; a quoted local part may hold spaces) or a parameter value.
    private static readonly SearchValues<char> BadPathChars = SearchValues.Create("\r\n\0");
    private static readonly SearchValues<char> BadValueChars = SearchValues.Create("\r\n\0 ");
    private static readonly SearchValues<char> BadTypeChars = SearchValues.Create("\r\n\0 =+");

    private readonly Socket _socket;
    private readonly NextHop _hop;
    private readonly RelayClientOptions _options;
    private Stream _stream = Stream.Null;
    private ReplyReader? _reader;
    private HashSet<string>? _extensions;
    private Dictionary<string, string>? _parameters;
    private bool _usable;
    private bool _disposed;

    private SmtpRelayClient(Socket socket, NextHop hop, RelayClientOptions options)
    {
        _socket = socket;
        _hop = hop;
        _options = options;
    }

    /// <summary>The hop this client is connected to.</summary>
    public NextHop Hop => _hop;

    /// <summary>The EHLO keywords of the peer, upper case (<c>PIPELINING</c>, <c>SIZE</c>, ...); null after a HELO fallback.</summary>
    public IReadOnlySet<string>? Extensions => _extensions;

    /// <summary>RFC 2920.</summary>
    public bool SupportsPipelining => Has("PIPELINING");

    /// <summary>RFC 6152.</summary>
    public bool Supports8BitMime => Has("8BITMIME");

    /// <summary>RFC 6531.</summary>
    public bool SupportsSmtpUtf8 => Has("SMTPUTF8");

    /// <summary>RFC 3461.</summary>
    public bool SupportsDsn => Has("DSN");

    /// <summary>The peer's fixed size limit from <c>SIZE n</c> (RFC 1870 4); null when not advertised or 0 (no limit).</summary>
    public long? MaxSize =>
        _parameters is not null && _parameters.TryGetValue("SIZE", out var size)
        && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : null;

    /// <summary>True after a successful STARTTLS.</summary>
    public bool IsTls { get; private set; }

    /// <summary>False after a connection-level failure (drop, timeout, protocol garbage, 421): open a new client.</summary>
    public bool IsUsable => _usable && !_disposed;

    /// <summary>
    /// Connects, reads the greeting, says EHLO (HELO when EHLO gets 5xx), upgrades with STARTTLS when offered (required
    /// with <see cref="RelayClientOptions.RequireTls"/>), and authenticates when <paramref name="hop"/> has credentials.
    /// </summary>
    /// <exception cref="SmtpRelayException">The session could not be opened; <see cref="SmtpRelayException.Reply"/> is the
    /// peer's reply (or a synthetic 4.4.1/4.4.2/4.7.x one), <see cref="SmtpRelayException.IsPermanent"/> whether it said 5xx.</exception>
    public static async Task<SmtpRelayClient> ConnectAsync(NextHop hop, RelayClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(hop.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new SmtpRelayClient(socket, hop, options);
        try
        {
            using (var connect = Timeout(options.ConnectTimeout, cancellationToken))
            {
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(hop.Address, hop.Port), connect.Token);
                }
                catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
                {
                    throw new SmtpRelayException($"{hop}: connect failed: {Describe(e)}",
                        new SmtpReply(421, $"4.4.1 connect to {hop} failed: {Describe(e)}"), false, e);
                }
            }

            client._stream = new NetworkStream(socket, ownsSocket: false);
            client._reader = new ReplyReader(client._stream, options.MaxReplyLineLength, options.MaxReplyLines);
            client._usable = true;
            await client.OpenSessionAsync(cancellationToken);
            return client;
        }
        catch (SmtpRelayException)
        {
            await client.CloseAsync(polite: client._usable);
            throw;
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken) || e is AuthenticationException)
        {
            await client.CloseAsync(polite: false);
            throw new SmtpRelayException($"{hop}: {Describe(e)}", LostReply(e), false, e);
        }
        catch
        {
            await client.CloseAsync(polite: false);
            throw;
        }
    }

    /// <summary>
    /// Runs one transaction (MAIL, RCPT..., DATA) and reports every recipient. Never throws for the peer's behaviour:
    /// a dropped connection or a timeout makes the unfinished recipients temporary failures (4.4.2) and
    /// <see cref="IsUsable"/> false. After it returns with <see cref="IsUsable"/> true the next transaction may follow.
    /// </summary>
    /// <remarks>
    /// Checks before sending anything: a body over the peer's SIZE fails permanently (5.3.4); a message that needs
    /// SMTPUTF8 fails permanently on a peer without it (5.6.7, no downgrade); an 8BITMIME body goes to a peer without
    /// 8BITMIME only if it is in fact 7-bit (then without BODY=), else it fails permanently (5.6.3) rather than being
    /// converted to quoted-printable, which would change the bytes (and any DKIM signature).
    /// </remarks>
    public async Task<TransactionResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var recipients = message.Recipients;
        var results = new RecipientResult?[recipients.Count];
        if (!_usable)
        {
            return Finish(message, results, DeliveryOutcome.TemporaryFailure, new SmtpReply(451, "4.4.2 connection to the peer is no longer usable"));
        }

        if (message.Sender.AsSpan().IndexOfAny(BadPathChars) >= 0)
        {
            return Finish(message, results, DeliveryOutcome.PermanentFailure, new SmtpReply(553, "5.1.7 bad sender address syntax"));
        }

        if (MaxSize is { } limit && message.Body.Length > limit)
        {
            return Finish(message, results, DeliveryOutcome.PermanentFailure,
                new SmtpReply(552, "5.3.4 message size exceeds fixed maximum message size of peer"));
        }

        if (message.SmtpUtf8 && !SupportsSmtpUtf8)
        {
            return Finish(message, results, DeliveryOutcome.PermanentFailure,
                new SmtpReply(553, "5.6.7 message needs SMTPUTF8 and the peer does not support it"));
        }

        var declare8Bit = message.EightBitMime && Supports8BitMime;
        try
        {
            if (message.EightBitMime && !declare8Bit && !await IsSevenBitAsync(message.Body, cancellationToken))
            {
                return Finish(message, results, DeliveryOutcome.PermanentFailure,
                    new SmtpReply(554, "5.6.3 message has 8-bit content and the peer does not support 8BITMIME"));
            }

            await TransactAsync(message, declare8Bit, results, cancellationToken);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            await CloseAsync(polite: false);
            return Finish(message, results, DeliveryOutcome.TemporaryFailure, LostReply(e));
        }
        catch
        {
            // The caller's cancellation mid-transaction: the session state is unknown, so it cannot be reused.
            await CloseAsync(polite: false);
            throw;
        }

        return Finish(message, results, DeliveryOutcome.TemporaryFailure, new SmtpReply(451, "4.4.2 no reply for this recipient"));
    }

    /// <summary>Sends QUIT when the session is usable (waiting at most 5 s for the reply), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await CloseAsync(polite: _usable);
        _disposed = true;
    }

    private async Task OpenSessionAsync(CancellationToken cancellationToken)
    {
        var greeting = await ReadAsync(_options.GreetingTimeout, cancellationToken);
        if (greeting.Code != 220)
        {
            // RFC 5321 3.1: a 554 greeting means no service here; the client should QUIT.
            throw new SmtpRelayException($"{_hop}: greeting {greeting}", greeting, greeting.IsPermanent);
        }

        await HelloAsync(cancellationToken);
        if (Has("STARTTLS"))
        {
            var reply = await CommandAsync("STARTTLS", _options.CommandTimeout, cancellationToken);
            if (reply.Code == 220)
            {
                await UpgradeAsync(cancellationToken);
                await HelloAsync(cancellationToken);
            }
            else if (_options.RequireTls || reply.Code == 421)
            {
                throw new SmtpRelayException($"{_hop}: STARTTLS refused: {reply}", reply, false);
            }
        }
        else if (_options.RequireTls)
        {
            throw new SmtpRelayException($"{_hop}: TLS required and STARTTLS not offered",
                new SmtpReply(451, "4.7.10 TLS is required and the peer does not offer STARTTLS"), false);
        }

        if (_hop.UserName is not null)
        {
            await AuthenticateAsync(cancellationToken);
        }
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        var reply = await CommandAsync($"EHLO {_options.HeloName}", _options.CommandTimeout, cancellationToken);
        if (reply.IsPositive)
        {
            ParseExtensions(reply);
            return;
        }

        if (!reply.IsPermanent || IsTls)
        {
            throw new SmtpRelayException($"{_hop}: EHLO {reply}", reply, reply.IsPermanent);
        }

        // RFC 5321 3.2: a server that does not know EHLO answers 5xx; fall back to HELO and no extensions.
        var helo = await CommandAsync($"HELO {_options.HeloName}", _options.CommandTimeout, cancellationToken);
        if (!helo.IsPositive)
        {
            throw new SmtpRelayException($"{_hop}: HELO {helo}", helo, helo.IsPermanent);
        }

        _extensions = null;
        _parameters = null;
    }

    private void ParseExtensions(SmtpReply reply)
    {
        var extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in reply.Text.Split('\n').Skip(1))
        {
            // "AUTH=PLAIN LOGIN" is the pre-RFC 4954 spelling some servers still send beside "AUTH PLAIN LOGIN".
            var end = line.AsSpan().IndexOfAny(' ', '=');
            var keyword = (end < 0 ? line : line[..end]).Trim().ToUpperInvariant();
            if (keyword.Length == 0)
            {
                continue;
            }

            extensions.Add(keyword);
            var value = end < 0 ? "" : line[(end + 1)..].Trim();
            parameters[keyword] = parameters.TryGetValue(keyword, out var existing) && existing.Length > 0 ? $"{existing} {value}" : value;
        }

        _extensions = extensions;
        _parameters = parameters;
    }

    private async Task UpgradeAsync(CancellationToken cancellationToken)
    {
        if (_reader!.Buffered > 0)
        {
            // RFC 3207 5 (and CVE-2011-0411 in reverse): bytes after the 220 arrived before TLS and cannot be trusted.
            throw new SmtpProtocolException("peer sent data after its 220 to STARTTLS");
        }

        // Opportunistic TLS: any certificate is accepted (an MX's certificate rarely matches and nothing authenticates it
        // without DANE/MTA-STS); the point is encryption against passive eavesdropping.
#pragma warning disable CA5359 // Deliberate: opportunistic TLS (RFC 7435) authenticates nobody; refusing a self-signed MX would send in clear text instead.
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, static (_, _, _, _) => true);
#pragma warning restore CA5359
        var targetHost = IPAddress.TryParse(_hop.Host, out _) ? "" : _hop.Host;
        using var timeout = Timeout(_options.GreetingTimeout, cancellationToken);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = targetHost }, timeout.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException
                                      && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync();
            throw new SmtpRelayException($"{_hop}: TLS handshake failed: {Describe(e)}",
                new SmtpReply(451, $"4.7.5 TLS handshake with {_hop} failed: {Describe(e)}"), false, e);
        }

        _stream = tls;
        _reader.Replace(tls);
        IsTls = true;
    }

    private async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        if (!IsTls && (_options.RequireTls || !IPAddress.IsLoopback(_hop.Address)))
        {
            throw new SmtpRelayException($"{_hop}: credentials are configured but the connection is not encrypted",
                new SmtpReply(451, "4.7.10 refusing to send credentials without TLS"), false);
        }

        var mechanisms = _parameters is not null && _parameters.TryGetValue("AUTH", out var list)
            ? list.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [];
        if (mechanisms.Length == 0)
        {
            return; // Like Postfix: a peer that offers no AUTH is tried without it; it will say if it needs it.
        }

        var user = _hop.UserName!;
        var password = _hop.Password ?? "";
        SmtpReply reply;
        if (mechanisms.Contains("PLAIN", StringComparer.OrdinalIgnoreCase))
        {
            // RFC 4616: authzid NUL authcid NUL passwd, as the initial response (RFC 4954 4).
            reply = await CommandAsync($"AUTH PLAIN {Base64($"\0{user}\0{password}")}", _options.CommandTimeout, cancellationToken);
        }
        else if (mechanisms.Contains("LOGIN", StringComparer.OrdinalIgnoreCase))
        {
            reply = await CommandAsync("AUTH LOGIN", _options.CommandTimeout, cancellationToken);
            if (reply.Code == 334)
            {
                reply = await CommandAsync(Base64(user), _options.CommandTimeout, cancellationToken);
            }

            if (reply.Code == 334)
            {
                reply = await CommandAsync(Base64(password), _options.CommandTimeout, cancellationToken);
            }
        }
        else
        {
            throw new SmtpRelayException($"{_hop}: no common AUTH mechanism (offered: {string.Join(' ', mechanisms)})",
                new SmtpReply(451, "4.7.0 no common AUTH mechanism with the peer"), false);
        }

        if (reply.Code != 235)
        {
            throw new SmtpRelayException($"{_hop}: AUTH failed: {reply}", reply, false);
        }
    }

    private async Task TransactAsync(OutboundMessage message, bool declare8Bit, RecipientResult?[] results, CancellationToken cancellationToken)
    {
        var recipients = message.Recipients;
        var commands = new string?[recipients.Count];
        for (var i = 0; i < recipients.Count; i++)
        {
            commands[i] = RcptCommand(recipients[i]);
            if (commands[i] is null)
            {
                results[i] = new RecipientResult(recipients[i], DeliveryOutcome.PermanentFailure, new SmtpReply(501, "5.1.3 bad recipient address syntax"));
            }
        }

        if (Array.TrueForAll(commands, c => c is null))
        {
            return;
        }

        var mail = MailCommand(message, declare8Bit);
        var replies = new SmtpReply?[recipients.Count];
        SmtpReply mailReply;
        SmtpReply? dataReply = null;
        if (SupportsPipelining)
        {
            // RFC 2920 3.1: MAIL, every RCPT and DATA (last in the group) in one write, then the replies in order.
            var batch = new StringBuilder(mail).Append("\r\n");
            foreach (var command in commands)
            {
                if (command is not null)
                {
                    batch.Append(command).Append("\r\n");
                }
            }

            await WriteAsync(Encoding.UTF8.GetBytes(batch.Append("DATA\r\n").ToString()), _options.CommandTimeout, cancellationToken);
            mailReply = await ReadAsync(_options.CommandTimeout, cancellationToken);
            for (var i = 0; i < commands.Length; i++)
            {
                if (commands[i] is not null)
                {
                    replies[i] = await ReadAsync(_options.CommandTimeout, cancellationToken);
                }
            }

            dataReply = await ReadAsync(_options.DataInitiationTimeout, cancellationToken);
        }
        else
        {
            mailReply = await CommandAsync(mail, _options.CommandTimeout, cancellationToken);
            if (mailReply.IsPositive)
            {
                for (var i = 0; i < commands.Length && _usable; i++)
                {
                    if (commands[i] is not null)
                    {
                        replies[i] = await CommandAsync(commands[i]!, _options.CommandTimeout, cancellationToken);
                        NoteClosing(replies[i]!);
                    }
                }

                if (_usable && Array.Exists(replies, r => r is { IsPositive: true }))
                {
                    dataReply = await CommandAsync("DATA", _options.DataInitiationTimeout, cancellationToken);
                }
            }
        }

        NoteClosing(mailReply);
        var accepted = 0;
        for (var i = 0; i < commands.Length; i++)
        {
            if (commands[i] is null)
            {
                continue;
            }

            // RFC 5321 4.1.1.2: a failed MAIL fails the transaction; what the RCPTs got after it (503) says nothing.
            var reply = mailReply.IsPositive ? replies[i] : mailReply;
            if (reply is null)
            {
                continue; // The peer closed (421) before this RCPT: left for Finish to make temporary.
            }

            if (reply.IsPositive)
            {
                accepted++;
            }
            else
            {
                results[i] = new RecipientResult(recipients[i], Outcome(reply), reply);
            }
        }

        if (dataReply is not null)
        {
            NoteClosing(dataReply);
        }

        if (!mailReply.IsPositive || accepted == 0 || dataReply is not { Code: 354 })
        {
            if (mailReply.IsPositive && dataReply is not null && dataReply.Code != 354)
            {
                // DATA refused: it speaks for every recipient the RCPTs had accepted.
                Settle(message, results, replies, dataReply);
            }

            if (dataReply is { Code: 354 })
            {
                // A pipelining peer that started DATA with nothing to deliver: end it empty, ignore its verdict (RFC 2920 3.1).
                await WriteAsync(".\r\n"u8.ToArray(), _options.DataBlockTimeout, cancellationToken);
                NoteClosing(await ReadAsync(_options.DataTerminationTimeout, cancellationToken));
            }

            await ResetAsync(cancellationToken);
            return;
        }

        await WriteBodyAsync(message.Body, cancellationToken);
        var final = await ReadAsync(_options.DataTerminationTimeout, cancellationToken);
        NoteClosing(final);
        Settle(message, results, replies, final);
    }

    // The reply that ends the transaction applies to every recipient the RCPTs accepted (RFC 5321 4.2.5).
    private static void Settle(OutboundMessage message, RecipientResult?[] results, SmtpReply?[] replies, SmtpReply reply)
    {
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is null && replies[i] is { IsPositive: true })
            {
                results[i] = new RecipientResult(message.Recipients[i], reply.IsPositive ? DeliveryOutcome.Delivered : Outcome(reply), reply);
            }
        }
    }

    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        if (!_usable)
        {
            return;
        }

        var reply = await CommandAsync("RSET", _options.CommandTimeout, cancellationToken);
        if (!reply.IsPositive)
        {
            await CloseAsync(polite: false);
        }
    }

    private string MailCommand(OutboundMessage message, bool declare8Bit)
    {
        var command = new StringBuilder("MAIL FROM:<").Append(message.Sender).Append('>');
        if (_parameters?.ContainsKey("SIZE") == true)
        {
            command.Append(" SIZE=").Append(message.Body.Length.ToString(CultureInfo.InvariantCulture));
        }

        if (declare8Bit)
        {
            command.Append(" BODY=8BITMIME");
        }

        if (message.SmtpUtf8)
        {
            command.Append(" SMTPUTF8");
        }

        if (SupportsDsn)
        {
            // RFC 3461 4.3-4.4: only to a peer that advertises DSN; otherwise the DSN request ends here (the queue
            // reports "relayed" for NOTIFY=SUCCESS recipients, RFC 3461 5.2.2).
            if (message.Ret is "FULL" or "HDRS")
            {
                command.Append(" RET=").Append(message.Ret);
            }

            if (!string.IsNullOrEmpty(message.EnvelopeId))
            {
                command.Append(" ENVID=").Append(Xtext.Encode(message.EnvelopeId));
            }
        }

        return command.ToString();
    }

    private string? RcptCommand(OutboundRecipient recipient)
    {
        if (recipient.Address.Length == 0 || recipient.Address.AsSpan().IndexOfAny(BadPathChars) >= 0)
        {
            return null;
        }

        var command = new StringBuilder("RCPT TO:<").Append(recipient.Address).Append('>');
        if (SupportsDsn)
        {
            if (!string.IsNullOrEmpty(recipient.Notify) && recipient.Notify.AsSpan().IndexOfAny(BadValueChars) < 0)
            {
                command.Append(" NOTIFY=").Append(recipient.Notify);
            }

            if (recipient.OriginalRecipient is { } orcpt && orcpt.IndexOf(';') is var semicolon and > 0)
            {
                var type = orcpt[..semicolon];
                if (type.AsSpan().IndexOfAny(BadTypeChars) < 0)
                {
                    // RFC 3461 4.2: ORCPT=addr-type;xtext. A utf-8 type (RFC 6533) carries its own encoding: passed as is.
                    var address = orcpt[(semicolon + 1)..];
                    command.Append(" ORCPT=").Append(type).Append(';')
                        .Append(type.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && address.AsSpan().IndexOfAny(BadValueChars) < 0
                            ? address
                            : Xtext.Encode(address));
                }
            }
        }

        return command.ToString();
    }

    // RFC 5321 4.5.2: a line that starts with '.' gets another; the body is made to end with CRLF, then ".\r\n".
    private async Task WriteBodyAsync(IOutboundBody body, CancellationToken cancellationToken)
    {
        var input = ArrayPool<byte>.Shared.Rent(BodyChunk);
        var output = ArrayPool<byte>.Shared.Rent((BodyChunk * 2) + 8);
        try
        {
            await using var stream = body.Open();
            var atLineStart = true;
            long total = 0;
            byte last = 0;
            byte beforeLast = 0;
            int read;
            while ((read = await stream.ReadAsync(input.AsMemory(0, BodyChunk), cancellationToken)) > 0)
            {
                var written = DotStuff(input.AsSpan(0, read), output, ref atLineStart);
                beforeLast = read > 1 ? input[read - 2] : last;
                last = input[read - 1];
                total += read;
                await WriteAsync(output.AsMemory(0, written), _options.DataBlockTimeout, cancellationToken);
            }

            // An empty body or one ending in CRLF needs only the dot line; otherwise the last line is ended first.
            var terminator = total == 0 || (beforeLast == '\r' && last == '\n') ? ".\r\n"u8 : "\r\n.\r\n"u8;
            await WriteAsync(terminator.ToArray(), _options.DataBlockTimeout, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    internal static int DotStuff(ReadOnlySpan<byte> input, Span<byte> output, ref bool atLineStart)
    {
        var written = 0;
        while (!input.IsEmpty)
        {
            if (atLineStart && input[0] == '.')
            {
                output[written++] = (byte)'.';
            }

            var newline = input.IndexOf((byte)'\n');
            var length = newline < 0 ? input.Length : newline + 1;
            input[..length].CopyTo(output[written..]);
            written += length;
            input = input[length..];
            atLineStart = newline >= 0;
        }

        return written;
    }

    private static async Task<bool> IsSevenBitAsync(IOutboundBody body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BodyChunk);
        try
        {
            await using var stream = body.Open();
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BodyChunk), cancellationToken)) > 0)
            {
                if (buffer.AsSpan(0, read).IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<SmtpReply> CommandAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), _options.CommandTimeout, cancellationToken);
        return await ReadAsync(timeout, cancellationToken);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = Timeout(timeout, cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cts.Token);
            await _stream.FlushAsync(cts.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no progress writing to {_hop} within {timeout}", e);
        }
    }

    private async Task<SmtpReply> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = Timeout(timeout, cancellationToken);
        try
        {
            return await _reader!.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply from {_hop} within {timeout}", e);
        }
    }

    // RFC 5321 3.8: 421 means the peer is closing; whatever follows is lost.
    private void NoteClosing(SmtpReply reply)
    {
        if (reply.Code == 421)
        {
            _usable = false;
        }
    }

    private async ValueTask CloseAsync(bool polite)
    {
        if (polite && _usable)
        {
            _usable = false;
            try
            {
                var quit = TimeSpan.FromSeconds(Math.Min(5, _options.CommandTimeout.TotalSeconds));
                await WriteAsync("QUIT\r\n"u8.ToArray(), quit, CancellationToken.None);
                await ReadAsync(quit, CancellationToken.None);
            }
            catch (Exception e) when (IsConnectionFailure(e, CancellationToken.None))
            {
                // The peer went first; nothing to do.
            }
        }

        _usable = false;
        try
        {
            await _stream.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or AuthenticationException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private static RecipientResult[] Fill(OutboundMessage message, RecipientResult?[] results, DeliveryOutcome outcome, SmtpReply reply)
    {
        var filled = new RecipientResult[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            filled[i] = results[i] ?? new RecipientResult(message.Recipients[i], outcome, reply);
        }

        return filled;
    }

    private static TransactionResult Finish(OutboundMessage message, RecipientResult?[] results, DeliveryOutcome outcome, SmtpReply reply) =>
        new(Fill(message, results, outcome, reply));

    private static DeliveryOutcome Outcome(SmtpReply reply) =>
        reply.IsPositive ? DeliveryOutcome.Delivered : reply.IsPermanent ? DeliveryOutcome.PermanentFailure : DeliveryOutcome.TemporaryFailure;

    private bool Has(string keyword) => _extensions?.Contains(keyword) == true;

    private static CancellationTokenSource Timeout(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        return cts;
    }

    private static bool IsConnectionFailure(Exception e, CancellationToken cancellationToken) =>
        e is IOException or SocketException or TimeoutException or ObjectDisposedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static SmtpReply LostReply(Exception e) => new(451, $"4.4.2 connection lost: {Describe(e)}");

    private static string Describe(Exception e) => e switch
    {
        SocketException s => s.SocketErrorCode.ToString(),
        OperationCanceledException => "timed out",
        _ => e.Message,
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
