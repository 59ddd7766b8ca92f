using System.Text;

namespace FastMail.Smtp.Replies;

/// <summary>The replies that carry the host name, the configured size or the offered extensions, encoded once per listener.</summary>
internal sealed class HostReplies
{
    private readonly byte[][] _ehlo = new byte[6][];
    private readonly byte[][] _help = new byte[4][];

    /// <param name="options">Host name and size.</param>
    /// <param name="allMechanisms">Every enabled SASL mechanism ("PLAIN LOGIN SCRAM-SHA-256"); empty without AUTH.</param>
    /// <param name="secureMechanisms">Those that never send the password (SCRAM-SHA-256), offered before TLS; may be empty.</param>
    public HostReplies(SmtpOptions options, string allMechanisms, string secureMechanisms)
    {
        var host = options.HostName;
        HostName = Encoding.UTF8.GetBytes(host);
        Greeting = Encoding.UTF8.GetBytes($"220 {host} ESMTP FastMail\r\n");
        Helo = Encoding.UTF8.GetBytes($"250 {host}\r\n");

        string[] offers = ["", secureMechanisms, allMechanisms];
        for (var offer = 0; offer < 3; offer++)
        {
            for (var startTls = 0; startTls < 2; startTls++)
            {
                // RFC 5321 4.1.1.1: the first line names the server, each further line one extension.
                var text = new StringBuilder()
                    .Append($"250-{host}\r\n")
                    .Append($"250-SIZE {options.MaxMessageSize}\r\n")
                    .Append("250-8BITMIME\r\n")
                    .Append("250-PIPELINING\r\n")
                    .Append("250-ENHANCEDSTATUSCODES\r\n")
                    .Append("250-SMTPUTF8\r\n");
                if (startTls == 1)
                {
                    text.Append("250-STARTTLS\r\n");
                }

                if (offers[offer].Length > 0)
                {
                    text.Append($"250-AUTH {offers[offer]}\r\n");
                }

                text.Append("250 HELP\r\n");
                _ehlo[(offer * 2) + startTls] = Encoding.UTF8.GetBytes(text.ToString());
            }
        }

        for (var variant = 0; variant < 4; variant++)
        {
            // HELP lists what this client may send now, as EHLO does: STARTTLS while it can be started, AUTH where offered.
            var startTls = (variant & 1) != 0 ? " STARTTLS" : "";
            var auth = (variant & 2) != 0 ? " AUTH" : "";
            _help[variant] = Encoding.UTF8.GetBytes($"214 2.0.0 Commands: HELO EHLO{startTls}{auth} MAIL RCPT DATA RSET NOOP VRFY HELP QUIT\r\n");
        }

        TooManyErrors = Encoding.UTF8.GetBytes($"421 4.7.0 {host} Error: too many errors\r\n");
        Timeout = Encoding.UTF8.GetBytes($"421 4.4.2 {host} Error: timeout exceeded\r\n");
        DataTooSlow = Encoding.UTF8.GetBytes($"421 4.4.2 {host} Error: data too slow\r\n");
        ShuttingDown = Encoding.UTF8.GetBytes($"421 4.3.2 {host} Service shutting down\r\n");
    }

    public byte[] HostName { get; }

    public byte[] Greeting { get; }

    public byte[] Helo { get; }

    /// <summary>The plain EHLO reply: no STARTTLS, no AUTH.</summary>
    public byte[] Ehlo => _ehlo[0];

    public byte[] TooManyErrors { get; }

    public byte[] Timeout { get; }

    public byte[] DataTooSlow { get; }

    public byte[] ShuttingDown { get; }

    /// <summary>The EHLO reply listing STARTTLS when it may be started and the AUTH mechanisms the client may use now.</summary>
    public byte[] EhloFor(bool startTls, bool plaintextMechanisms) => _ehlo[((plaintextMechanisms ? 2 : 1) * 2) + (startTls ? 1 : 0)];

    /// <summary>The HELP reply (214) listing STARTTLS when it may be started and AUTH when the listener offers it.</summary>
    public byte[] HelpFor(bool startTls, bool auth) => _help[(startTls ? 1 : 0) + (auth ? 2 : 0)];

    /// <summary>The EHLO reply for a listener without AUTH.</summary>
    public byte[] EhloWithoutAuth(bool startTls) => _ehlo[startTls ? 1 : 0];
}
