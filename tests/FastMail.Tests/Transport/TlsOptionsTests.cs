using System.Net.Security;
using System.Security.Authentication;
using FastMail.Transport;
using static FastMail.Tests.Transport.TlsTestKit;
using static FastMail.Tests.Transport.TransportTestKit;

namespace FastMail.Tests.Transport;

/// <summary>TLS 1.2 and 1.3 only (RFC 8996, RFC 8314 4.1), and options that cannot work are refused at start.</summary>
public sealed class TlsOptionsTests
{
    // A TLS ClientHello built by hand, so the test does not depend on whether the OS's TLS library
    // would still offer an old protocol: ECDHE-ECDSA/RSA suites (GCM and CBC), P-256, sha256 signatures.
    private static byte[] ClientHello(byte minor) =>
    [
        0x16, 0x03, 0x01, 0x00, 0x4b,                       // record: handshake, 75 bytes
        0x01, 0x00, 0x00, 0x47,                             // ClientHello, 71 bytes
        0x03, minor,                                        // legacy_version: 3.1 = TLS 1.0, 3.3 = TLS 1.2
        .. new byte[32],                                    // random
        0x00,                                               // no session id
        0x00, 0x08, 0xc0, 0x2b, 0xc0, 0x09, 0xc0, 0x13, 0x00, 0x2f,
        0x01, 0x00,                                         // null compression
        0x00, 0x16,                                         // 22 bytes of extensions
        0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,     // supported_groups: secp256r1
        0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                 // ec_point_formats: uncompressed
        0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03,     // signature_algorithms: ecdsa_secp256r1_sha256
    ];

    [Fact]
    public async Task AHandBuiltTls12HelloGetsAServerHelloSoTheOldProtocolTestBelowMeansSomething()
    {
        using var timeout = Timeout();
        await using var listener = Start(TransportTestKit.EchoAsync, o => o.Tls = ServerOptions());

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.GetStream().WriteAsync(ClientHello(minor: 3), timeout.Token);
        var first = new byte[1];
        await client.GetStream().ReadExactlyAsync(first, timeout.Token);

        Assert.Equal(0x16, first[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ATls10Or11ClientIsRefusedAndNeverReachesTheHandler(byte minor)
    {
        using var timeout = Timeout();
        var handled = 0;
        await using var listener = Start((_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        }, o => o.Tls = ServerOptions());

        using var client = await ConnectAsync(listener, timeout.Token);
        await client.GetStream().WriteAsync(ClientHello(minor), timeout.Token);
        var answer = await client.ReadToEndAsync(timeout.Token);

        // Either a bare close or an alert record (0x15); never a handshake record with a ServerHello.
        Assert.True(answer.Length == 0 || answer[0] == 0x15, $"Unexpected answer starting with 0x{answer[0]:x2}.");
        await EventuallyAsync(() => listener.ActiveConnections == 0, timeout.Token);
        Assert.Equal(0, Volatile.Read(ref handled));
    }

    [Fact]
    public async Task ProtocolsLeftAtTheirDefaultBecomeTls12And13()
    {
        var tls = ServerOptions();
        await using var listener = Start(TransportTestKit.EchoAsync, o => o.Tls = tls);

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.EnabledSslProtocols);
    }

    [Fact]
    public void EnablingTls11IsRefusedAtStart()
    {
        var tls = ServerOptions();
#pragma warning disable SYSLIB0039, CA5397 // The obsolete protocol is the point of the test.
        tls.EnabledSslProtocols = SslProtocols.Tls11 | SslProtocols.Tls12;
#pragma warning restore SYSLIB0039, CA5397

        Assert.Throws<ArgumentException>(() => Start(TransportTestKit.EchoAsync, o => o.Tls = tls));
    }

    [Fact]
    public void TlsOptionsWithoutACertificateAreRefusedAtStart()
    {
        Assert.Throws<ArgumentException>(() => Start(TransportTestKit.EchoAsync, o => o.Tls = new SslServerAuthenticationOptions()));
    }

    [Fact]
    public void ANonPositiveHandshakeTimeoutIsRefusedAtStart()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Start(TransportTestKit.EchoAsync, o =>
        {
            o.Tls = ServerOptions();
            o.HandshakeTimeout = TimeSpan.Zero;
        }));
    }
}
