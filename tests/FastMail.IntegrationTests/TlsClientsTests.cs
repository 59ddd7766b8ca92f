using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FastMail.IntegrationTests.Harness;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FastMail.IntegrationTests;

/// <summary>
/// Real clients over TLS: MailKit with STARTTLS and implicit TLS, openssl s_client, swaks, curl and Python,
/// against the server's self-signed certificate; submission requires AUTH; STARTTLS command injection is not executed.
/// </summary>
public sealed class TlsClientsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(TestServer.Motriles);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task MailKitSubmitsWithStartTlsAndAuthAndRetrievesOverImplicitTls()
    {
        using (var smtp = new SmtpClient { ServerCertificateValidationCallback = IsServersCertificate })
        {
            await smtp.ConnectAsync("127.0.0.1", _server.SubmissionPort, SecureSocketOptions.StartTls);
            Assert.True(smtp.IsSecure);
            Assert.Contains("SCRAM-SHA-256", smtp.AuthenticationMechanisms);
            await smtp.AuthenticateAsync("motriles", "jose");
            await smtp.SendAsync(Message("mailkit starttls"));
            await smtp.DisconnectAsync(quit: true);
        }

        using (var smtps = new SmtpClient { ServerCertificateValidationCallback = IsServersCertificate })
        {
            await smtps.ConnectAsync("127.0.0.1", _server.SmtpsPort, SecureSocketOptions.SslOnConnect);
            smtps.AuthenticationMechanisms.Remove("SCRAM-SHA-256");
            await smtps.AuthenticateAsync("motriles", "jose");
            await smtps.SendAsync(Message("mailkit smtps"));
            await smtps.DisconnectAsync(quit: true);
        }

        using var pop = new Pop3Client { ServerCertificateValidationCallback = IsServersCertificate };
        await pop.ConnectAsync("127.0.0.1", _server.Pop3sPort, SecureSocketOptions.SslOnConnect);
        await pop.AuthenticateAsync("motriles", "jose");
        var subjects = new List<string>();
        for (var i = 0; i < await pop.GetMessageCountAsync(); i++)
        {
            subjects.Add((await pop.GetMessageAsync(i)).Subject ?? "");
        }

        Assert.Equal(["mailkit starttls", "mailkit smtps"], subjects);
        await pop.DisconnectAsync(quit: true);

        using var popStartTls = new Pop3Client { ServerCertificateValidationCallback = IsServersCertificate };
        await popStartTls.ConnectAsync("127.0.0.1", _server.Pop3Port, SecureSocketOptions.StartTls);
        Assert.True(popStartTls.IsSecure);
        await popStartTls.AuthenticateAsync("motriles", "jose");
        Assert.Equal(2, await popStartTls.GetMessageCountAsync());
        await popStartTls.DisconnectAsync(quit: true);
    }

    [Fact]
    public async Task SubmissionRequiresAuthenticationBeforeMail()
    {
        await using var smtp = await LineClient.ConnectAsync(_server.SubmissionPort);
        await smtp.ExpectAsync("220");
        await smtp.SendLineAsync("EHLO client.example");
        await smtp.ExpectSmtpAsync("250");
        await smtp.SendLineAsync("MAIL FROM:<motriles@fastmail.test>");
        await smtp.ExpectAsync("530 5.7.0");
    }

    [Fact]
    public async Task PlaintextBytesPipelinedAfterStartTlsAreNotExecuted()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _server.SmtpPort);
        var stream = tcp.GetStream();
        var reader = new StreamLineReader(stream);
        Assert.StartsWith("220", await reader.ReadLineAsync(), StringComparison.Ordinal);
        await stream.WriteAsync("EHLO x\r\n"u8.ToArray());
        while ((await reader.ReadLineAsync())[3] == '-')
        {
        }

        // The injected MAIL FROM rides in the same packet as STARTTLS; it must be discarded, not run inside TLS.
        await stream.WriteAsync("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n"u8.ToArray());
        Assert.StartsWith("220", await reader.ReadLineAsync(), StringComparison.Ordinal);
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true, IsServersCertificate);
        await tls.AuthenticateAsClientAsync("localhost");
        var secure = new StreamLineReader(tls);
        await tls.WriteAsync("MAIL FROM:<a@example.org>\r\n"u8.ToArray());
        // Session state was reset by STARTTLS and the injected command never ran: MAIL before EHLO is out of sequence.
        Assert.StartsWith("503", await secure.ReadLineAsync(), StringComparison.Ordinal);
        await tls.WriteAsync("EHLO x\r\n"u8.ToArray());
        var ehlo = new List<string>();
        string line;
        do
        {
            line = await secure.ReadLineAsync();
            ehlo.Add(line);
        }
        while (line[3] == '-');
        Assert.DoesNotContain(ehlo, l => l.Contains("STARTTLS", StringComparison.Ordinal));
        await tls.WriteAsync("MAIL FROM:<a@example.org>\r\n"u8.ToArray());
        Assert.StartsWith("250", await secure.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpensslStartTlsForSmtpAndPop3()
    {
        var (smtpExit, smtpOutput) = await ExternalProcess.RunAsync(
            "openssl", ["s_client", "-connect", $"127.0.0.1:{_server.SubmissionPort}", "-starttls", "smtp", "-crlf", "-quiet"],
            standardInput: "EHLO openssl.example\nQUIT\n", timeout: TimeSpan.FromSeconds(30));
        Assert.True(smtpExit == 0, smtpOutput);
        Assert.Contains("250-AUTH", smtpOutput, StringComparison.Ordinal);
        Assert.Contains("221", smtpOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("250-STARTTLS", smtpOutput, StringComparison.Ordinal);

        var (popExit, popOutput) = await ExternalProcess.RunAsync(
            "openssl", ["s_client", "-connect", $"127.0.0.1:{_server.Pop3Port}", "-starttls", "pop3", "-crlf", "-quiet"],
            standardInput: "USER motriles\nPASS jose\nSTAT\nQUIT\n", timeout: TimeSpan.FromSeconds(30));
        Assert.True(popExit == 0, popOutput);
        Assert.Contains("+OK 0 0", popOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaksSendsWithTlsAndAuthAndCurlRetrievesOverTls()
    {
        var (swaksExit, swaksOutput) = await ExternalProcess.RunAsync("swaks",
        [
            "--server", "127.0.0.1", "--port", _server.SubmissionPort.ToString(), "--tls",
            "--auth", "PLAIN", "--auth-user", "motriles", "--auth-password", "jose",
            "--from", "swaks@example.org", "--to", "motriles@" + TestServer.Domain,
            "--header", "Subject: via swaks", "--body", "swaks body line",
        ]);
        Assert.True(swaksExit == 0, swaksOutput);

        var message = Path.Combine(_server.DataDirectory, "curl-message.txt");
        await File.WriteAllTextAsync(message, "Subject: via curl\r\n\r\ncurl body line\r\n");
        var (curlSendExit, curlSendOutput) = await ExternalProcess.RunAsync("curl",
        [
            "--silent", "--show-error", "--ssl-reqd", "--insecure", $"smtp://127.0.0.1:{_server.SubmissionPort}",
            "--mail-from", "curl@example.org", "--mail-rcpt", "motriles@" + TestServer.Domain,
            "--user", "motriles:jose", "--upload-file", message,
        ]);
        Assert.True(curlSendExit == 0, curlSendOutput);

        var (listExit, listing) = await ExternalProcess.RunAsync("curl",
            ["--silent", "--show-error", "--ssl-reqd", "--insecure", $"pop3://127.0.0.1:{_server.Pop3Port}/", "--user", "motriles:jose"]);
        Assert.True(listExit == 0, listing);
        Assert.Equal(2, listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var (retrieveExit, first) = await ExternalProcess.RunAsync("curl",
            ["--silent", "--show-error", "--insecure", $"pop3s://127.0.0.1:{_server.Pop3sPort}/1", "--user", "motriles:jose"]);
        Assert.True(retrieveExit == 0, first);
        Assert.Contains("swaks body line", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonStartTlsLoginAndStls()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Clients", "python_tls.py");
        var (exitCode, output) = await ExternalProcess.RunAsync("python3", [script, _server.SubmissionPort.ToString(), _server.Pop3Port.ToString(), "motriles", "jose", TestServer.Domain]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("OK", output, StringComparison.Ordinal);
    }

    /// <summary>Trusts exactly the self-signed certificate the server generated into its data directory, nothing else.</summary>
    private bool IsServersCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        using var generated = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_server.DataDirectory, "tls", "selfsigned.crt")));
        return certificate is not null && certificate.GetCertHashString() == generated.GetCertHashString();
    }

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("motriles@" + TestServer.Domain));
        message.To.Add(MailboxAddress.Parse("motriles@" + TestServer.Domain));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "body of " + subject };
        return message;
    }

    /// <summary>Reads CRLF lines from a stream one byte at a time (no read-ahead, so the TLS handshake sees its own bytes).</summary>
    private sealed class StreamLineReader(Stream stream)
    {
        public async Task<string> ReadLineAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = new StringBuilder();
            var one = new byte[1];
            while (true)
            {
                var read = await stream.ReadAsync(one, cts.Token);
                if (read == 0)
                {
                    throw new EndOfStreamException("closed after: " + line);
                }

                if (one[0] == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)one[0]);
            }
        }
    }
}
