using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using FastMail.Core.Tls;
using FastMail.Hosting.Tls;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

#pragma warning disable CA5398 // the tests pin protocol versions on purpose

namespace FastMail.Tests.Hosting.Tls;

public sealed class SelfSignedCertificateTests : IDisposable
{
    private readonly TempDirectory _dir = new("tls");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WithoutConfiguredFilesASelfSignedCertificateIsMadeOnceAndReused()
    {
        using var first = Load();
        using var again = Load();

        var (certificatePath, keyPath) = CertificateProvider.SelfSignedPaths(_dir.Path);
        Assert.True(first.HasPrivateKey);
        Assert.True(File.Exists(certificatePath));
        Assert.True(File.Exists(keyPath));
        Assert.Equal(first.Thumbprint, again.Thumbprint);
        Assert.EndsWith(Path.Combine("tls", "selfsigned.crt"), certificatePath, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSelfSignedKeyFileIsReadableByTheOwnerOnly()
    {
        using var certificate = Load();

        var (_, keyPath) = CertificateProvider.SelfSignedPaths(_dir.Path);

        Assert.False(OperatingSystem.IsWindows(), "FastMail ships for Linux; this test checks Unix file modes");
#pragma warning disable CA1416 // asserted above: not Windows
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
#pragma warning restore CA1416
        Assert.False(File.Exists(keyPath + ".tmp"));
    }

    [Fact]
    public void TheSelfSignedCertificateNamesTheHostAndLocalhostForServerAuthForTwoYears()
    {
        using var certificate = Load("mail.example.test");

        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["mail.example.test", "localhost"], san.EnumerateDnsNames());
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Contains(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), oid => oid.Value == "1.3.6.1.5.5.7.3.1");
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal("CN=mail.example.test", certificate.Subject);
        var lifetime = certificate.NotAfter - DateTime.Now;
        Assert.InRange(lifetime.TotalDays, 729, 731);
    }

    [Fact]
    public void AnIpAddressHostNameBecomesAnIpSubjectAlternativeName()
    {
        using var certificate = Load("192.0.2.25");

        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal([System.Net.IPAddress.Parse("192.0.2.25")], san.EnumerateIPAddresses());
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
    }

    [Fact]
    public void ASelfSignedCertificateCloseToExpiryIsReplaced()
    {
        using var first = Load();
        using var later = CertificateProvider.Load(null, null, _dir.Path, "localhost", NullLogger.Instance, new ManualClock(TimeSpan.FromDays(710)));

        Assert.NotEqual(first.Thumbprint, later.Thumbprint);
        Assert.True(later.NotAfter > first.NotAfter);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task TheSelfSignedCertificateServesARealHandshake(SslProtocols protocol)
    {
        using var certificate = Load();

        var negotiated = await LoopbackTls.HandshakeAsync(certificate, protocol);

        Assert.Equal(protocol, negotiated);
    }

    [Fact]
    public async Task AClientOfferingBothGetsTls13()
    {
        using var certificate = Load();

        Assert.Equal(SslProtocols.Tls13, await LoopbackTls.HandshakeAsync(certificate, SslProtocols.Tls12 | SslProtocols.Tls13));
    }

    [Fact]
    public async Task AClientLimitedToTls11IsRefused()
    {
        using var certificate = Load();

#pragma warning disable SYSLIB0039, CA5397 // the point is to offer an obsolete protocol
        await Assert.ThrowsAnyAsync<Exception>(() => LoopbackTls.HandshakeAsync(certificate, SslProtocols.Tls11));
#pragma warning restore SYSLIB0039, CA5397
    }

    [Fact]
    public void ACertificateWithoutPrivateKeyCannotServe()
    {
        using var withKey = Load();
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);

        Assert.Throws<ArgumentException>(() => new TlsServerOptions(publicOnly));
    }

    [Fact]
    public void TheServerOptionsAllowOnlyTls12And13WithoutRenegotiation()
    {
        using var certificate = Load();

        var options = new TlsServerOptions(certificate).CreateAuthenticationOptions();

        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.EnabledSslProtocols);
        Assert.False(options.AllowRenegotiation);
        Assert.False(options.ClientCertificateRequired);
        Assert.NotNull(options.ServerCertificateContext);
    }

    private X509Certificate2 Load(string host = "localhost") => CertificateProvider.Load(null, null, _dir.Path, host, NullLogger.Instance);
}
