using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastMail.Core.Tls;
using FastMail.Hosting.Tls;
using Microsoft.Extensions.Logging.Abstractions;

#pragma warning disable CA5398 // the tests pin protocol versions on purpose

namespace FastMail.Tests.Hosting.Tls;

public sealed class PemCertificateTests : IDisposable
{
    private readonly TempDirectory _dir = new("tls");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ConfiguredRsaPemFilesLoadAndServeAHandshakeWithoutPkcs12ReImport(SslProtocols protocol)
    {
        var (certificatePath, keyPath, thumbprint) = WriteRsaPair("mail.example.test");

        using var certificate = Load(certificatePath, keyPath);

        Assert.Equal(thumbprint, certificate.Thumbprint);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(protocol, await LoopbackTls.HandshakeAsync(certificate, protocol, "mail.example.test"));
    }

    [Fact]
    public async Task ConfiguredEcdsaPemFilesServeAHandshake()
    {
        var (certificatePath, keyPath) = CertificateProvider.SelfSignedPaths(Path.Combine(_dir.Path, "other"));
        using (CertificateProvider.Load(null, null, Path.Combine(_dir.Path, "other"), "localhost", NullLogger.Instance))
        {
        }

        using var certificate = Load(certificatePath, keyPath);

        Assert.Equal(SslProtocols.Tls13, await LoopbackTls.HandshakeAsync(certificate, SslProtocols.Tls13));
    }

    [Fact]
    public void AMissingCertificateFileIsNamed()
    {
        var (_, keyPath, _) = WriteRsaPair("a");
        var missing = _dir.File("nope.crt");

        var error = Assert.Throws<TlsCertificateException>(() => Load(missing, keyPath));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingKeyFileIsNamed()
    {
        var (certificatePath, _, _) = WriteRsaPair("a");
        var missing = _dir.File("nope.key");

        var error = Assert.Throws<TlsCertificateException>(() => Load(certificatePath, missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyOfAnotherCertificateIsReportedAsAMismatchNamingBothFiles()
    {
        var (certificatePath, _, _) = WriteRsaPair("a");
        var (_, otherKey, _) = WriteRsaPair("b");

        var error = Assert.Throws<TlsCertificateException>(() => Load(certificatePath, otherKey));

        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        Assert.Contains(otherKey, error.Message, StringComparison.Ordinal);
        Assert.Contains(certificatePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEcKeyForAnRsaCertificateIsNamed()
    {
        var (certificatePath, _, _) = WriteRsaPair("a");
        using (CertificateProvider.Load(null, null, _dir.Path, "localhost", NullLogger.Instance))
        {
        }

        var (_, ecKey) = CertificateProvider.SelfSignedPaths(_dir.Path);

        var error = Assert.Throws<TlsCertificateException>(() => Load(certificatePath, ecKey));

        Assert.Contains(ecKey, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public void AFileThatIsNotAPemCertificateIsNamed(string content)
    {
        var (_, keyPath, _) = WriteRsaPair("a");
        var bad = _dir.File("bad.crt");
        File.WriteAllText(bad, content);

        var error = Assert.Throws<TlsCertificateException>(() => Load(bad, keyPath));

        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyFileWithoutAKeyIsNamed()
    {
        var (certificatePath, _, _) = WriteRsaPair("a");
        var bad = _dir.File("bad.key");
        File.WriteAllText(bad, "-----BEGIN NOTHING-----\n-----END NOTHING-----\n");

        var error = Assert.Throws<TlsCertificateException>(() => Load(certificatePath, bad));

        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cert.pem", null)]
    [InlineData(null, "key.pem")]
    public void OnlyOneOfTheTwoPathsIsAConfigurationError(string? certificate, string? key)
    {
        Assert.Throws<ArgumentException>(() => Load(certificate, key));
    }

    [Fact]
    public void AChainAfterTheLeafIsAvailableAsIntermediates()
    {
        var (certificatePath, keyPath, thumbprint) = WriteRsaPair("leaf");
        var (issuerPath, _, issuerThumbprint) = WriteRsaPair("issuer");
        File.AppendAllText(certificatePath, "\n" + File.ReadAllText(issuerPath) + "\n");

        using var certificate = Load(certificatePath, keyPath);
        var intermediates = CertificateProvider.LoadIntermediates(certificatePath);

        Assert.Equal(thumbprint, certificate.Thumbprint);
        Assert.Equal(issuerThumbprint, Assert.Single(intermediates).Thumbprint);
        Assert.Empty(CertificateProvider.LoadIntermediates(null));
    }

    private X509Certificate2 Load(string? certificatePath, string? keyPath) =>
        CertificateProvider.Load(certificatePath, keyPath, _dir.Path, "localhost", NullLogger.Instance);

    private (string CertificatePath, string KeyPath, string Thumbprint) WriteRsaPair(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = _dir.File(name + ".crt");
        var keyPath = _dir.File(name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate.Thumbprint);
    }
}
