namespace FastMail.Pop3;

/// <summary>Settings of the POP3 service (RFC 1939, RFC 2449). One instance per listener; copied when the handler is created.</summary>
public sealed class Pop3Options
{
    /// <summary>
    /// The host name used in the APOP greeting timestamp (RFC 1939 7: <c>&lt;pid.clock@host&gt;</c>).
    /// Default: <see cref="Environment.MachineName"/>. Only its ASCII form is used; set it to the public name of the server.
    /// </summary>
    public string HostName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Whether APOP (RFC 1939 7) is offered: the greeting carries a timestamp and the APOP command is accepted.
    /// Default: false. APOP rests on MD5 and needs a reversible secret per account; enable it only for old clients
    /// that cannot use USER/PASS over TLS.
    /// </summary>
    public bool EnableApop { get; set; }

    /// <summary>
    /// How long a session may make no progress (no command received, no reply bytes accepted by the client) before
    /// it is closed without entering UPDATE (nothing is removed). Default: 10 minutes, the minimum RFC 1939 3 allows.
    /// Shorter frees locked mailboxes sooner but breaks RFC-conforming clients that idle.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest command line accepted, in octets including CRLF. Default: 255, the limit of RFC 2449 4.
    /// Longer lines are answered <c>-ERR Line too long</c> and discarded without being buffered. Raising it costs
    /// that many bytes per pooled session.
    /// </summary>
    public int MaxCommandLineLength { get; set; } = 255;

    /// <summary>
    /// Number of <c>-ERR</c> replies to the client's errors after which the session is closed (<c>-ERR [SYS/TEMP]</c>
    /// replies, the server's trouble, do not count); the reply to the last one is <c>-ERR Too many errors, closing</c>. Default: 10. Lower stops password guessing and garbage sooner;
    /// higher is kinder to people learning POP3 over telnet. Zero or less disables the limit.
    /// </summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>
    /// Whether USER/PASS and the clear-text SASL mechanisms (PLAIN, LOGIN) are accepted on a connection that is neither
    /// encrypted nor from a loopback address. Default: false, as RFC 2595 2.2 and RFC 5034 6 advise: the password would
    /// cross the network in the clear, so such clients must use STLS (or POP3S) first; SCRAM-SHA-256 and APOP stay
    /// usable because they never send the password. Enable only on trusted networks with clients that cannot do TLS.
    /// </summary>
    public bool AllowPlaintextAuthWithoutTls { get; set; }

    /// <summary>
    /// Longest AUTH command line with an initial response, and longest SASL response line, in octets including CRLF
    /// (RFC 5034 4: client responses are not bound by the 255-octet command limit). Default null: the SASL server's
    /// <c>MaxAuthLineLength</c> (12 KiB + 64 with its defaults). Used only when SASL is configured; costs that many bytes
    /// per pooled session. Longer lines are answered <c>-ERR Line too long</c>.
    /// </summary>
    public int? MaxAuthLineLength { get; set; }
}
