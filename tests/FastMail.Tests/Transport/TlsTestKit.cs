using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FastMail.Tests.Transport;

/// <summary>A self-signed certificate made in-process, server options around it, and a trusting client.</summary>
internal static class TlsTestKit
{
    private static readonly Lazy<X509Certificate2> s_certificate = new(CreateCertificate);

    public static X509Certificate2 Certificate => s_certificate.Value;

    /// <summary>Fresh options each time: the transport may normalise the protocols on the object it is given.</summary>
    public static SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true),
    };

    /// <summary>Runs a client handshake over <paramref name="stream"/>, trusting the test certificate.</summary>
    public static async Task<SslStream> AuthenticateAsClientAsync(Stream stream, SslProtocols protocols, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = protocols,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString(),
                },
                cancellationToken);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    public static async Task WriteTextAsync(this Stream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    public static async Task<string> ReadTextAsync(this Stream stream, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>
    /// Reads one CRLF-terminated line from a pipe. With <paramref name="discardRest"/> everything else
    /// already buffered is consumed unread too, as a STARTTLS session must (RFC 3207 4.2).
    /// </summary>
    public static async Task<string> ReadLineAsync(PipeReader input, bool discardRest, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var end = buffer.PositionOf((byte)'\n');
            if (end is { } newline)
            {
                var line = Encoding.ASCII.GetString(buffer.Slice(0, newline).ToArray()).TrimEnd('\r');
                input.AdvanceTo(discardRest ? buffer.End : buffer.GetPosition(1, newline));
                return line;
            }

            if (read.IsCompleted)
            {
                throw new EndOfStreamException("The peer closed before a whole line.");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Echoes one pipe to itself until its input ends, remembering every byte that came in.</summary>
    public static async Task EchoAsync(IDuplexPipe pipe, ArrayBufferWriter<byte>? seen = null)
    {
        while (true)
        {
            var read = await pipe.Input.ReadAsync(CancellationToken.None);
            foreach (var segment in read.Buffer)
            {
                if (seen is not null)
                {
                    lock (seen)
                    {
                        seen.Write(segment.Span);
                    }
                }

                pipe.Output.Write(segment.Span);
            }

            pipe.Input.AdvanceTo(read.Buffer.End);
            var flush = await pipe.Output.FlushAsync(CancellationToken.None);
            if (read.IsCompleted || flush.IsCompleted)
            {
                return;
            }
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // On Linux SslStream needs the key in a form OpenSSL can use: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }
}
