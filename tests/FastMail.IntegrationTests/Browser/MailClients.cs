using FastMail.IntegrationTests.Harness;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FastMail.IntegrationTests.Browser;

/// <summary>The mail the browser tests see, sent and checked with real clients (MailKit) over the test server's sockets.</summary>
internal static class MailClients
{
    /// <summary>Sends <paramref name="message"/> to the server's inbound SMTP port, as a remote MTA would.</summary>
    public static async Task SendAsync(TestServer server, MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", server.SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
    }

    /// <summary>A message to <paramref name="user"/> of the test domain, with an optional attachment.</summary>
    public static MimeMessage Message(string fromName, string from, string user, string subject, string text, (string Name, byte[] Content)? attachment = null)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, from));
        message.To.Add(new MailboxAddress(user, user + "@" + TestServer.Domain));
        message.Subject = subject;
        var body = new BodyBuilder { TextBody = text };
        if (attachment is { } file)
        {
            body.Attachments.Add(file.Name, file.Content);
        }

        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Every message in <paramref name="user"/>'s mailbox, read over POP3 (and left there).</summary>
    public static async Task<IReadOnlyList<MimeMessage>> Pop3MessagesAsync(TestServer server, string user, string password)
    {
        using var pop = new Pop3Client();
        await pop.ConnectAsync("127.0.0.1", server.Pop3Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync(user, password);
        var messages = new List<MimeMessage>();
        var count = await pop.GetMessageCountAsync();
        for (var i = 0; i < count; i++)
        {
            messages.Add(await pop.GetMessageAsync(i));
        }

        await pop.DisconnectAsync(quit: true);
        return messages;
    }
}
