using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastMail.Core.Tls;

/// <summary>
/// The certificate a fresh install serves until an administrator configures a real one: ECDSA P-256, SAN = host name +
/// localhost, server-auth EKU, valid two years. Written as PEM so the administrator can inspect or pin it.
/// </summary>
internal static class SelfSignedCertificate
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(730);

    /// <summary>Creates the certificate and writes <paramref name="keyPath"/> (mode 0600) and <paramref name="certificatePath"/>.</summary>
    public static void Create(string hostName, string certificatePath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(hostName);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(hostName));

        // A day of slack backwards for clients whose clocks run slow.
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now + Lifetime);
        var directory = Path.GetDirectoryName(Path.GetFullPath(keyPath))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Key first, certificate last: a crash in between leaves no certificate, and the next start generates again.
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteAtomically(certificatePath, certificate.ExportCertificatePem(), secret: false);
    }

    private static X509Extension SubjectAlternativeNames(string hostName)
    {
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(hostName, out var address))
        {
            san.AddIpAddress(address);
        }
        else if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            san.AddDnsName(hostName);
        }

        san.AddDnsName("localhost");
        return san.Build();
    }

    /// <summary>Writes to a temporary file (created 0600 when secret) and renames it over the target.</summary>
    private static void WriteAtomically(string path, string text, bool secret)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        File.Delete(temporary); // UnixCreateMode applies only to a new file
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
