namespace FastMail.Smtp;

/// <summary>
/// Limits and policy of the SMTP listener. Every size is in octets. Text lines inside DATA are never
/// truncated or split, whatever their length (RFC 5321 4.5.3.1.6 allows 1000 octets; longer lines are
/// preserved byte for byte and only count toward <see cref="MaxMessageSize"/>).
/// A record, so a listener that differs in one setting is a copy: <c>options with { RequireAuth = true }</c>.
/// </summary>
public sealed record SmtpOptions
{
    /// <summary>
    /// Name announced in the greeting, EHLO, HELO, 421 replies and the Received header.
    /// Default: the machine's host name, or "localhost" when it has none. Use the name the MX record points at,
    /// since some clients compare it with the name they connected to.
    /// </summary>
    public string HostName { get; set; } = DefaultHostName();

    /// <summary>
    /// Largest message accepted, advertised as EHLO SIZE (RFC 1870). Default 25 MiB (26,214,400).
    /// Larger limits let bigger attachments through but let one client hold the disk for longer; a message over the
    /// limit is still read to its end and then rejected with 552 5.3.4, and nothing of it is stored.
    /// </summary>
    public long MaxMessageSize { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// Most RCPT TO accepted in one transaction. Default 100, the minimum RFC 5321 4.5.3.1.8 asks servers to accept.
    /// Lower values slow down bulk senders; the excess recipients get 452 4.5.3 and clients retry them later.
    /// </summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>
    /// Longest command line, CRLF included. Default 512 (RFC 5321 4.5.3.1.4). A longer line gets 500 5.5.2 and is
    /// discarded as it arrives; it is never buffered past this limit, so raising it costs memory per connection.
    /// </summary>
    public int MaxCommandLineLength { get; set; } = 512;

    /// <summary>
    /// Error replies (syntax, sequence, rejected recipients; not the 4xx of a failing store) after which the session
    /// ends: the last error is followed by 421 4.7.0. Must be positive. Default 10.
    /// Lower values cut off address-harvesting clients sooner; higher values forgive clumsy humans typing in telnet.
    /// </summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>
    /// When true, envelopes must follow RFC 5321 4.1.2 to the letter: <c>MAIL FROM:&lt;user@domain&gt;</c> with angle
    /// brackets, no space after the colon and a qualified address (only <c>&lt;postmaster&gt;</c> may be unqualified in
    /// RCPT), and EHLO/HELO need a domain. Default false, as Postfix strict_rfc821_envelopes=no: the classic telnet
    /// tutorial (<c>mail from: motriles</c>) and many scripts depend on the lenient form.
    /// </summary>
    public bool StrictAddresses { get; set; }

    /// <summary>
    /// How long the server waits for the next command line. Default 5 minutes (RFC 5321 4.5.3.2.7). Shorter values
    /// free connection slots held by idle clients sooner; too short breaks slow humans and clients behind busy links.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the server waits for each block of message data. Default 3 minutes (RFC 5321 4.5.3.2.5).
    /// It applies per read, not to the whole message, so large messages over slow links still arrive.
    /// </summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// When true, MAIL FROM before a successful AUTH gets 530 5.7.0 (RFC 4954 6). Default false: port 25 takes mail
    /// from the whole internet. Set it on the submission listener (587, RFC 6409), where every client is a local user;
    /// it needs <see cref="SmtpSecurity.Sasl"/>, or nobody can send at all.
    /// </summary>
    public bool RequireAuth { get; set; }

    /// <summary>
    /// When true, the plaintext mechanisms (PLAIN, LOGIN) are offered and accepted before STARTTLS from any client.
    /// Default false: they are then refused with 538 5.7.11 except from loopback (RFC 4954 4), since the password would
    /// cross the network in the clear; SCRAM-SHA-256 never sends the password and stays available. Turning it on helps
    /// only legacy clients on networks you trust.
    /// </summary>
    public bool AllowPlaintextAuthWithoutTls { get; set; }

    /// <summary>
    /// What happens when an unauthenticated client gives a MAIL FROM in one of the local domains (a local user's address
    /// is the first thing a spammer forges). Default <see cref="Smtp.LocalSenderPolicy.AcceptAndMark"/>: the message is
    /// accepted with an <c>X-FastMail-Unauthenticated-Sender: yes</c> header so filters can act on it, which keeps
    /// forwarded mail and the classic telnet tutorial working. <see cref="Smtp.LocalSenderPolicy.Reject"/> stops forgery
    /// at the door but also mail that legitimately comes back through mailing lists or forwarders.
    /// The null sender <c>&lt;&gt;</c> is always accepted.
    /// </summary>
    public LocalSenderPolicy LocalSenderPolicy { get; set; } = LocalSenderPolicy.AcceptAndMark;

    /// <summary>
    /// How long to wait before sending the 220 greeting. Default zero (off). When positive, a client that talks before
    /// the greeting (an early talker: RFC 5321 3.1 says clients wait for it, spam bots often do not) gets
    /// 554 5.5.0 and is disconnected. A few seconds catch many bots but delay every honest client by as much, and hold
    /// a connection slot meanwhile.
    /// </summary>
    public TimeSpan GreetingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Lowest average rate of message data, in octets per second, measured from the 354 reply once
    /// <see cref="MinDataRateGracePeriod"/> has passed; a slower client gets 421 4.4.2 and is disconnected.
    /// Default 1024. It defeats slowloris clients that send one byte just inside every <see cref="DataTimeout"/>
    /// and would hold a connection for hours. Zero turns it off; a higher value may cut off clients on very slow links.
    /// </summary>
    public long MinDataRate { get; set; } = 1024;

    /// <summary>
    /// How long DATA may run before <see cref="MinDataRate"/> is enforced. Default 30 seconds, so a slow start (TCP
    /// slow start, a client composing the message on the fly) is forgiven.
    /// </summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The listener's name in the transaction and session log lines ("smtp", "submission"); a connection that came in
    /// with implicit TLS (RFC 8314) is logged as "smtps". Default "smtp". Only names: it changes no behaviour.
    /// </summary>
    public string ListenerName { get; set; } = "smtp";

    /// <summary>
    /// Throws when a setting is unusable. The one place these rules live: <see cref="Session.SmtpServerContext"/> calls it once
    /// per listener, and the host's configuration has already range-checked every value it binds.
    /// </summary>
    public void Validate()
    {
        if (MaxCommandLineLength < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCommandLineLength), MaxCommandLineLength, "MaxCommandLineLength must be at least 64 (RFC 5321 asks for 512).");
        }

        if (MaxMessageSize <= 0 || MaxRecipients <= 0 || MaxErrors <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), "MaxMessageSize, MaxRecipients and MaxErrors must be positive.");
        }

        if (MinDataRate < 0 || GreetingDelay < TimeSpan.Zero || MinDataRateGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinDataRate), "MinDataRate, GreetingDelay and MinDataRateGracePeriod must not be negative.");
        }
    }

    private static string DefaultHostName()
    {
        var name = Environment.MachineName;
        return string.IsNullOrWhiteSpace(name) ? "localhost" : name.ToLowerInvariant();
    }
}
