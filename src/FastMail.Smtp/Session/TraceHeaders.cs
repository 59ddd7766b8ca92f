using System.Buffers;
using System.Buffers.Text;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// The trace fields an SMTP server prepends to every message (RFC 5321 4.4): Return-Path with the reverse-path, and
/// Received naming the client, its TLS session, this host, the protocol (RFC 3848: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA), the queue id,
/// the recipient when there is exactly one, and the date (RFC 5322 3.3). Received is folded like Postfix's,
/// so no header line grows past RFC 5322's 998 octets whatever the client sent.
/// </summary>
internal static class TraceHeaders
{
    /// <summary>Writes both header fields into <paramref name="destination"/> and returns their length.</summary>
    public static int Write(Span<byte> destination, in Fields fields)
    {
        var builder = new SpanBuilder(destination);
        builder.Append("Return-Path: <"u8);
        builder.Append(fields.Sender);
        builder.Append(">\r\nReceived: from "u8);
        if (!fields.Helo.IsEmpty)
        {
            builder.Append(fields.Helo);
        }
        else if (!fields.ClientLiteral.IsEmpty)
        {
            builder.Append(fields.ClientLiteral);
        }
        else
        {
            builder.Append("unknown"u8);
        }

        builder.Append(" ("u8);
        builder.Append(fields.ClientLiteral.IsEmpty ? "unknown"u8 : fields.ClientLiteral);
        builder.Append(")"u8);
        if (!fields.Tls.IsEmpty)
        {
            builder.Append("\r\n\t(using "u8);
            builder.Append(fields.Tls);
            builder.Append(")"u8);
        }

        builder.Append("\r\n\tby "u8);
        builder.Append(fields.Host);
        builder.Append(" (FastMail) with "u8);
        builder.Append(fields.Protocol);
        builder.Append(" id "u8);
        builder.Advance(QueueIds.Format(fields.QueueId, builder.Remaining));
        if (fields.Recipient.IsEmpty)
        {
            builder.Append(";\r\n\t"u8);
        }
        else
        {
            builder.Append("\r\n\tfor <"u8);
            builder.Append(fields.Recipient);
            builder.Append(">; "u8);
        }

        AppendDate(ref builder, fields.Now);
        builder.Append("\r\n"u8);
        if (fields.UnauthenticatedLocalSender)
        {
            builder.Append("X-FastMail-Unauthenticated-Sender: yes\r\n"u8);
        }

        return builder.Length;
    }

    // RFC 5322 3.3 date-time in UTC: "Fri, 27 Nov 2026 14:08:09 +0000". The 'R' format is RFC 1123 with "GMT",
    // an obsolete zone in RFC 5322, so the numeric zone replaces it.
    private static void AppendDate(ref SpanBuilder builder, DateTimeOffset now)
    {
        Utf8Formatter.TryFormat(now.UtcDateTime, builder.Remaining, out var written, new StandardFormat('R'));
        builder.Advance(written - 3);
        builder.Append("+0000"u8);
    }

    /// <summary>The values of the trace fields; empty spans mean "not known" (null sender, no HELO, several recipients).</summary>
    public readonly ref struct Fields(
        ReadOnlySpan<byte> sender,
        ReadOnlySpan<byte> helo,
        ReadOnlySpan<byte> clientLiteral,
        ReadOnlySpan<byte> host,
        ReadOnlySpan<byte> protocol,
        ReadOnlySpan<byte> tls,
        bool unauthenticatedLocalSender,
        long queueId,
        ReadOnlySpan<byte> recipient,
        DateTimeOffset now)
    {
        public ReadOnlySpan<byte> Sender { get; } = sender;

        public ReadOnlySpan<byte> Helo { get; } = helo;

        public ReadOnlySpan<byte> ClientLiteral { get; } = clientLiteral;

        public ReadOnlySpan<byte> Host { get; } = host;

        /// <summary>RFC 3848 "with" keyword: SMTP, ESMTP, ESMTPS, ESMTPA or ESMTPSA.</summary>
        public ReadOnlySpan<byte> Protocol { get; } = protocol;

        /// <summary>The TLS protocol and cipher, shown as "(using ...)"; empty in plaintext.</summary>
        public ReadOnlySpan<byte> Tls { get; } = tls;

        /// <summary>Adds "X-FastMail-Unauthenticated-Sender: yes" (a local sender without AUTH).</summary>
        public bool UnauthenticatedLocalSender { get; } = unauthenticatedLocalSender;

        public long QueueId { get; } = queueId;

        public ReadOnlySpan<byte> Recipient { get; } = recipient;

        public DateTimeOffset Now { get; } = now;
    }

    private ref struct SpanBuilder(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        public readonly Span<byte> Remaining => _destination[Length..];

        public void Append(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_destination[Length..]);
            Length += value.Length;
        }

        public void Advance(int count) => Length += count;
    }
}
