namespace FastMail.Smtp;

/// <summary>
/// Limits and policy of the SMTP listener. Every size is in octets. Text lines inside DATA are never
/// truncated or split, whatever their length (RFC 5321 4.5.3.1.6 allows 1000 octets; longer lines are
/// preserved byte for byte and only count toward <see cref="MaxMessageSize"/>).
/// </summary>
public sealed class SmtpOptions
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
    /// Error replies (syntax, sequence, rejected recipients) after which the session ends with 421 4.7.0. Default 10.
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

    private static string DefaultHostName()
    {
        var name = Environment.MachineName;
        return string.IsNullOrWhiteSpace(name) ? "localhost" : name.ToLowerInvariant();
    }
}
