namespace FastMail.Relay.Client;

/// <summary>Settings of <see cref="SmtpRelayClient"/>. The timeouts default to RFC 5321 4.5.3.2; tests shorten them.</summary>
public sealed record RelayClientOptions
{
    /// <summary>The name sent in EHLO/HELO; should be this host's public name (RFC 5321 4.1.1.1). Default <c>localhost</c>.</summary>
    public string HeloName { get; init; } = "localhost";

    /// <summary>TCP connect. Default 30 s: long enough for a slow path, short enough to move on to the next MX.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The 220 greeting (RFC 5321 4.5.3.2.1: 5 minutes), also the TLS handshake.</summary>
    public TimeSpan GreetingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>EHLO, STARTTLS, AUTH, MAIL, RCPT, RSET, QUIT (RFC 5321 4.5.3.2.2-3: 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The 354 reply to DATA (RFC 5321 4.5.3.2.4: 2 minutes).</summary>
    public TimeSpan DataInitiationTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Each write of a block of the body (RFC 5321 4.5.3.2.5: 3 minutes).</summary>
    public TimeSpan DataBlockTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The reply to the final dot (RFC 5321 4.5.3.2.6: 10 minutes; the peer may be filtering the message).</summary>
    public TimeSpan DataTerminationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest reply line accepted, CRLF excluded (RFC 5321 4.5.3.1.5 says 512; peers send more). Default 2048.
    /// A longer line is a protocol failure: the connection is dropped, never buffered further.</summary>
    public int MaxReplyLineLength { get; init; } = 2048;

    /// <summary>Most lines in one multiline reply (an EHLO reply has one per extension). Default 100.</summary>
    public int MaxReplyLines { get; init; } = 100;

    /// <summary>When true, a peer that does not offer STARTTLS, or whose STARTTLS fails, gets nothing: the connect fails
    /// temporarily (4.7.10) before any MAIL. When false (the default), TLS is opportunistic: used when offered, any
    /// certificate accepted (Postfix's <c>may</c> level: encryption against passive eavesdroppers, no authentication).</summary>
    public bool RequireTls { get; init; }
}
