using System.Buffers;
using System.Text;

namespace FastMail.Load.Protocol;

/// <summary>
/// RFC 2920 PIPELINING, the way Postfix's smtp client does it: MAIL FROM, every RCPT TO and DATA go out
/// in one write, then their replies are read; after 354 the message goes out, and when another message
/// follows on this connection its MAIL/RCPT/DATA ride in the same write as the final ".". Each reply is
/// still checked one by one, and a message fails with the key of its first bad reply
/// (smtp-mail-550, smtp-rcpt-450, smtp-data-554, smtp-data-end-451), exactly as the one-at-a-time path.
/// </summary>
internal sealed partial class SmtpClientConnection
{
    private readonly ArrayBufferWriter<byte> _group = new(4096);

    // Recipients of the envelope group written but whose replies are not read yet; -1 when none is in flight.
    private int _envelopeInFlight = -1;

    /// <summary>Whether a MAIL/RCPT/DATA group was sent ahead for the next message (its replies are unread).</summary>
    public bool EnvelopeAhead => _envelopeInFlight >= 0;

    /// <summary>
    /// Sends one message with pipelining; returns when the server answered 250 to its final ".". When
    /// <paramref name="nextRecipients"/> is given, the next message's envelope group (same sender) is written
    /// together with this message's end, and the next call must pass those recipients.
    /// </summary>
    public async ValueTask SendPipelinedAsync(string from, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> dataPayload,
        IReadOnlyList<string>? nextRecipients, CancellationToken cancellationToken)
    {
        if (!ServerPipelines)
        {
            throw new ProtocolException("smtp-no-pipelining", "the server did not list PIPELINING in its EHLO reply");
        }
        if (_envelopeInFlight < 0)
        {
            _group.ResetWrittenCount();
            AppendEnvelope(from, recipients);
            await _connection.SendAsync(_group.WrittenMemory, cancellationToken);
            _envelopeInFlight = recipients.Count;
        }
        await ReadEnvelopeRepliesAsync(cancellationToken);

        _group.ResetWrittenCount();
        _group.Write(dataPayload.Span);
        if (nextRecipients is not null)
        {
            AppendEnvelope(from, nextRecipients);
        }
        await _connection.SendAsync(_group.WrittenMemory, cancellationToken);
        if (nextRecipients is not null)
        {
            _envelopeInFlight = nextRecipients.Count;
        }
        await ExpectAsync(250, "data-end", cancellationToken);
        _messagesSent++;
    }

    /// <summary>
    /// Reads the replies to MAIL, each RCPT and DATA. All are read even after a failure, so the
    /// first bad one decides the error key; on any failure the caller drops the connection, which
    /// abandons a transaction that got its 354 anyway (RFC 5321 3.3: no data, no message).
    /// </summary>
    private async ValueTask ReadEnvelopeRepliesAsync(CancellationToken cancellationToken)
    {
        var recipients = _envelopeInFlight;
        _envelopeInFlight = -1;
        // Every reply is read (they are on their way) even after a failure; the first bad one is counted.
        var first = Check(await ReadReplyAsync("mail", cancellationToken), 250, "mail");
        for (var i = 0; i < recipients; i++)
        {
            var rcpt = Check(await ReadReplyAsync("rcpt", cancellationToken), 250, "rcpt");
            first ??= rcpt;
        }
        var data = Check(await ReadReplyAsync("data", cancellationToken), 354, "data");
        first ??= data;
        if (first is not null)
        {
            throw first;
        }
    }

    private static ProtocolException? Check((int Code, string Text) reply, int expected, string step) =>
        reply.Code == expected ? null : new ProtocolException($"smtp-{step}-{reply.Code}", $"{step}: {reply.Text}");

    private void AppendEnvelope(string from, IReadOnlyList<string> recipients)
    {
        AppendLine("MAIL FROM:<", from);
        for (var i = 0; i < recipients.Count; i++)
        {
            AppendLine("RCPT TO:<", recipients[i]);
        }
        AppendAscii("DATA\r\n");
    }

    private void AppendLine(string verb, string address)
    {
        AppendAscii(verb);
        AppendAscii(address);
        AppendAscii(">\r\n");
    }

    private void AppendAscii(string text)
    {
        var written = Encoding.ASCII.GetBytes(text, _group.GetSpan(text.Length));
        _group.Advance(written);
    }
}
