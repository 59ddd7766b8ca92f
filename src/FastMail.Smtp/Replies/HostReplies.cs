using System.Text;

namespace FastMail.Smtp.Replies;

/// <summary>The replies that carry the host name or the configured size, encoded once per listener.</summary>
internal sealed class HostReplies
{
    public HostReplies(SmtpOptions options)
    {
        var host = options.HostName;
        HostName = Encoding.UTF8.GetBytes(host);
        Greeting = Encoding.UTF8.GetBytes($"220 {host} ESMTP FastMail\r\n");
        Helo = Encoding.UTF8.GetBytes($"250 {host}\r\n");

        // RFC 5321 4.1.1.1: the first line names the server, each further line one extension.
        Ehlo = Encoding.UTF8.GetBytes(
            $"250-{host}\r\n" +
            $"250-SIZE {options.MaxMessageSize}\r\n" +
            "250-8BITMIME\r\n" +
            "250-PIPELINING\r\n" +
            "250-ENHANCEDSTATUSCODES\r\n" +
            "250-SMTPUTF8\r\n" +
            "250 HELP\r\n");
        TooManyErrors = Encoding.UTF8.GetBytes($"421 4.7.0 {host} Error: too many errors\r\n");
        Timeout = Encoding.UTF8.GetBytes($"421 4.4.2 {host} Error: timeout exceeded\r\n");
        ShuttingDown = Encoding.UTF8.GetBytes($"421 4.3.2 {host} Service shutting down\r\n");
    }

    public byte[] HostName { get; }

    public byte[] Greeting { get; }

    public byte[] Helo { get; }

    public byte[] Ehlo { get; }

    public byte[] TooManyErrors { get; }

    public byte[] Timeout { get; }

    public byte[] ShuttingDown { get; }
}
