using System.Text;

namespace FastMail.Smtp.Replies;

/// <summary>The replies that carry the host name, the configured size or the offered extensions, encoded once per listener.</summary>
internal sealed class HostReplies
{
    // EHLO: one pair (without / with STARTTLS) per AUTH offer. HELP: one pair per "AUTH offered or not".
    private readonly TlsPair _ehloWithoutAuth;
    private readonly TlsPair _ehloSecureMechanisms;
    private readonly TlsPair _ehloAllMechanisms;
    private readonly TlsPair _helpWithoutAuth;
    private readonly TlsPair _helpWithAuth;

    /// <param name="options">Host name and size.</param>
    /// <param name="allMechanisms">Every enabled SASL mechanism ("PLAIN LOGIN SCRAM-SHA-256"); empty without AUTH.</param>
    /// <param name="secureMechanisms">Those that never send the password (SCRAM-SHA-256), offered before TLS; may be empty.</param>
    public HostReplies(SmtpOptions options, string allMechanisms, string secureMechanisms)
    {
        var host = options.HostName;
        HostName = Encoding.UTF8.GetBytes(host);
        Greeting = Encoding.UTF8.GetBytes($"220 {host} ESMTP FastMail\r\n");
        Helo = Encoding.UTF8.GetBytes($"250 {host}\r\n");

        _ehloWithoutAuth = new TlsPair(Ehlo(options, mechanisms: "", startTls: false), Ehlo(options, mechanisms: "", startTls: true));
        _ehloSecureMechanisms = new TlsPair(Ehlo(options, secureMechanisms, startTls: false), Ehlo(options, secureMechanisms, startTls: true));
        _ehloAllMechanisms = new TlsPair(Ehlo(options, allMechanisms, startTls: false), Ehlo(options, allMechanisms, startTls: true));
        _helpWithoutAuth = new TlsPair(Help(startTls: false, auth: false), Help(startTls: true, auth: false));
        _helpWithAuth = new TlsPair(Help(startTls: false, auth: true), Help(startTls: true, auth: true));

        TooManyErrors = Encoding.UTF8.GetBytes($"421 4.7.0 {host} Error: too many errors\r\n");
        Timeout = Encoding.UTF8.GetBytes($"421 4.4.2 {host} Error: timeout exceeded\r\n");
        DataTooSlow = Encoding.UTF8.GetBytes($"421 4.4.2 {host} Error: data too slow\r\n");
        ShuttingDown = Encoding.UTF8.GetBytes($"421 4.3.2 {host} Service shutting down\r\n");
        InternalError = Encoding.UTF8.GetBytes($"421 4.3.0 {host} Error: internal error\r\n");
    }

    public byte[] HostName { get; }

    public byte[] Greeting { get; }

    public byte[] Helo { get; }

    public byte[] TooManyErrors { get; }

    public byte[] Timeout { get; }

    public byte[] DataTooSlow { get; }

    public byte[] ShuttingDown { get; }

    /// <summary>The 421 that ends a session after a bug in the server (never a client's doing).</summary>
    public byte[] InternalError { get; }

    /// <summary>The EHLO reply listing STARTTLS when it may be started and the AUTH mechanisms the client may use now.</summary>
    public byte[] EhloFor(bool startTls, bool plaintextMechanisms) =>
        (plaintextMechanisms ? _ehloAllMechanisms : _ehloSecureMechanisms).For(startTls);

    /// <summary>The HELP reply (214) listing STARTTLS when it may be started and AUTH when the listener offers it.</summary>
    public byte[] HelpFor(bool startTls, bool auth) => (auth ? _helpWithAuth : _helpWithoutAuth).For(startTls);

    /// <summary>The EHLO reply for a listener without AUTH.</summary>
    public byte[] EhloWithoutAuth(bool startTls) => _ehloWithoutAuth.For(startTls);

    private static byte[] Ehlo(SmtpOptions options, string mechanisms, bool startTls)
    {
        // RFC 5321 4.1.1.1: the first line names the server, each further line one extension.
        var text = new StringBuilder()
            .Append($"250-{options.HostName}\r\n")
            .Append($"250-SIZE {options.MaxMessageSize}\r\n")
            .Append("250-8BITMIME\r\n")
            .Append("250-PIPELINING\r\n")
            .Append("250-CHUNKING\r\n")
            .Append("250-ENHANCEDSTATUSCODES\r\n")
            .Append("250-DSN\r\n")
            .Append("250-SMTPUTF8\r\n");
        if (startTls)
        {
            text.Append("250-STARTTLS\r\n");
        }

        if (mechanisms.Length > 0)
        {
            text.Append($"250-AUTH {mechanisms}\r\n");
        }

        text.Append("250 HELP\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // HELP lists what this client may send now, as EHLO does: STARTTLS while it can be started, AUTH where offered.
    private static byte[] Help(bool startTls, bool auth) => Encoding.UTF8.GetBytes(
        $"214 2.0.0 Commands: HELO EHLO{(startTls ? " STARTTLS" : "")}{(auth ? " AUTH" : "")} MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT\r\n");

    /// <summary>One reply in two spellings: without STARTTLS, and with it (offered only while it can still be started).</summary>
    private readonly record struct TlsPair(byte[] Plain, byte[] WithStartTls)
    {
        public byte[] For(bool startTls) => startTls ? WithStartTls : Plain;
    }
}
