namespace FastMail.Relay.Client;

/// <summary>The stored bytes of a message to relay: CRLF line ends, not dot-stuffed (the client stuffs while sending).</summary>
public interface IOutboundBody
{
    /// <summary>The byte count, for SIZE= (RFC 1870) and the peer's size limit.</summary>
    long Length { get; }

    /// <summary>A fresh stream over the bytes from the start; the caller disposes it. May be called more than once.</summary>
    Stream Open();
}

/// <summary>One RCPT TO of a transaction.</summary>
/// <param name="Address">The mailbox, without angle brackets.</param>
/// <param name="Notify">The DSN NOTIFY value (RFC 3461 4.1), e.g. <c>SUCCESS,FAILURE</c> or <c>NEVER</c>; null for none.</param>
/// <param name="OriginalRecipient">The DSN ORCPT value in decoded form, <c>addr-type;address</c> (RFC 3461 4.2), e.g.
/// <c>rfc822;bob@example.org</c>; the client xtext-encodes the address part. Null for none.</param>
public sealed record OutboundRecipient(string Address, string? Notify, string? OriginalRecipient);

/// <summary>One SMTP transaction to hand to a peer.</summary>
/// <param name="Sender">The reverse-path without angle brackets; empty for the null reverse-path (bounces).</param>
/// <param name="Recipients">At least one recipient.</param>
/// <param name="Body">The message bytes.</param>
/// <param name="EightBitMime">The body was received as BODY=8BITMIME (RFC 6152).</param>
/// <param name="SmtpUtf8">The envelope or headers need SMTPUTF8 (RFC 6531).</param>
/// <param name="Ret">The DSN RET value, <c>FULL</c> or <c>HDRS</c>, or null.</param>
/// <param name="EnvelopeId">The DSN ENVID in decoded form (the client xtext-encodes it), or null.</param>
public sealed record OutboundMessage(string Sender, IReadOnlyList<OutboundRecipient> Recipients, IOutboundBody Body, bool EightBitMime,
    bool SmtpUtf8, string? Ret, string? EnvelopeId);

/// <summary>What became of one recipient.</summary>
public enum DeliveryOutcome : byte
{
    /// <summary>The peer accepted responsibility (2xx after the final dot).</summary>
    Delivered,

    /// <summary>Try again later (4xx, a dropped connection, a timeout).</summary>
    TemporaryFailure,

    /// <summary>Bounce (5xx, or a message this peer cannot take as it is).</summary>
    PermanentFailure,
}

/// <summary>The outcome of one recipient with the reply that decided it (the peer's, or a synthetic one).</summary>
public sealed record RecipientResult(OutboundRecipient Recipient, DeliveryOutcome Outcome, SmtpReply Reply);

/// <summary>The outcome of a transaction, one entry per recipient in the order given.</summary>
public sealed record TransactionResult(IReadOnlyList<RecipientResult> Recipients);

/// <summary>A failure to open a session with a peer: connect, greeting, EHLO/HELO, STARTTLS or AUTH.</summary>
public sealed class SmtpRelayException : Exception
{
    public SmtpRelayException(string message, SmtpReply? reply, bool isPermanent, Exception? innerException = null)
        : base(message, innerException)
    {
        Reply = reply;
        IsPermanent = isPermanent;
    }

    /// <summary>The peer's reply that caused the failure, or a synthetic one for local failures (connect, timeout, TLS).</summary>
    public SmtpReply? Reply { get; }

    /// <summary>True when the peer said 5xx. A queue should still try the domain's next MX before bouncing
    /// (RFC 5321 5.1: a host's refusal speaks for that host).</summary>
    public bool IsPermanent { get; }
}
