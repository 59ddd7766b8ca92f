namespace FastMail.Relay.Dsn;

/// <summary>The Action field of a per-recipient DSN group (RFC 3464 2.3.3).</summary>
public enum DsnAction : byte
{
    /// <summary>Could not be delivered and will not be retried (5.x.x).</summary>
    Failed,

    /// <summary>Not delivered yet; still being retried (4.x.x).</summary>
    Delayed,

    /// <summary>Delivered to the recipient's mailbox (2.x.x).</summary>
    Delivered,

    /// <summary>Handed to a next hop that does not send DSNs itself (2.x.x).</summary>
    Relayed,

    /// <summary>Delivered to an alias or list that expanded to several recipients (2.x.x).</summary>
    Expanded,
}

/// <summary>The RET parameter of MAIL FROM (RFC 3461 4.3): how much of the message a failure DSN returns.</summary>
public enum DsnReturn : byte
{
    /// <summary>RET=FULL: the whole message.</summary>
    Full,

    /// <summary>RET=HDRS: its header only.</summary>
    Headers,
}

/// <summary>The envelope of the message a DSN reports on.</summary>
/// <param name="EnvelopeSender">MAIL FROM, the DSN's recipient. Never the null reverse-path: no DSN is sent to it.</param>
/// <param name="EnvelopeId">The ENVID parameter, xtext-decoded (<see cref="Core.Mail.Xtext.Decode"/>); null when absent.</param>
/// <param name="Return">The RET parameter; null when absent (a failure DSN then returns the full message, within the size cap).</param>
/// <param name="Arrived">When the message was accepted (Arrival-Date).</param>
public sealed record DsnOriginal(string EnvelopeSender, string? EnvelopeId, DsnReturn? Return, DateTimeOffset Arrived);

/// <summary>One recipient's outcome: a per-recipient group of the message/delivery-status part (RFC 3464 2.3).</summary>
/// <param name="FinalRecipient">The address delivery was attempted to (RCPT TO).</param>
/// <param name="OriginalRecipient">The ORCPT parameter xtext-decoded, "addr-type;address" (e.g. "rfc822;bob@example.net"); null when absent.</param>
/// <param name="Status">The enhanced status code, class.subject.detail (RFC 3463), such as 5.1.1 or 4.4.1.</param>
/// <param name="RemoteMta">The next hop's host name (Remote-MTA: dns; HOST), null when none answered.</param>
/// <param name="DiagnosticCode">"smtp; 550 5.1.1 no such user": the type, a semicolon and the remote reply; null when none.</param>
/// <param name="LastAttempt">When delivery was last attempted; null when never.</param>
/// <param name="WillRetryUntil">For <see cref="DsnAction.Delayed"/>: when the queue gives up (RFC 3464 2.3.9); ignored for other actions.</param>
public sealed record DsnRecipientReport(
    string FinalRecipient,
    string? OriginalRecipient,
    DsnAction Action,
    string Status,
    string? RemoteMta,
    string? DiagnosticCode,
    DateTimeOffset? LastAttempt,
    DateTimeOffset? WillRetryUntil = null);

/// <summary>Settings of <see cref="DsnBuilder"/>.</summary>
public sealed record DsnOptions
{
    /// <summary>The server's primary domain: MAILER-DAEMON@ it is the From, and Message-Ids end with it.</summary>
    public required string PrimaryDomain { get; init; }

    /// <summary>The host named in Reporting-MTA and in the human-readable text; null means <see cref="PrimaryDomain"/>.</summary>
    public string? ReportingMta { get; init; }

    /// <summary>
    /// The largest original returned whole in a failure DSN; a larger one is returned as its header only
    /// (text/rfc822-headers). Default 1 MiB: a bounce of a 25 MB attachment should not cost the sender's mailbox
    /// (or the relay) another 25 MB, and the header is what identifies the message (Postfix bounce_size_limit does the same with 50 kB).
    /// </summary>
    public long MaxReturnedMessageSize { get; init; } = 1024 * 1024;
}

/// <summary>A built DSN.</summary>
/// <param name="Content">The whole message, header and body, CRLF line ends; its envelope sender must be the null reverse-path.</param>
/// <param name="MessageId">Its Message-Id without angle brackets.</param>
/// <param name="EightBit">True when it carries 8-bit octets (the returned original or header has some): send it with BODY=8BITMIME.</param>
public sealed record DsnMessage(byte[] Content, string MessageId, bool EightBit);
