using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastMail.Testing.TestKit;

/// <summary>Writes a self-signed certificate and its key as PEM files (what tls.certificate and tls.key name), valid over the given window.</summary>
internal static class PemCertificateFiles
{
    /// <summary>Writes cert.pem and key.pem under <paramref name="directory"/> (replacing any) and returns their paths and the thumbprint.</summary>
    public static (string CertificatePath, string KeyPath, string Thumbprint) Write(string directory, string subjectName, DateTimeOffset notBefore, DateTimeOffset notAfter, string fileStem = "cert")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + subjectName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subjectName);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        var certificatePath = Path.Combine(directory, fileStem + ".pem");
        var keyPath = Path.Combine(directory, fileStem + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate.Thumbprint);
    }
}
