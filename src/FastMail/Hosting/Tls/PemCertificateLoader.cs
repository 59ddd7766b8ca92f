using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastMail.Hosting.Tls;

/// <summary>Reads a PEM certificate (chain) and its PEM private key, with errors that name the file at fault.</summary>
internal static class PemCertificateLoader
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaPublicKeyOid = "1.2.840.113549.1.1.1";

    /// <summary>The leaf certificate (first in the file) with its private key, and any further certificates (the chain).</summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection Intermediates) Load(string certificatePath, string keyPath)
    {
        var chain = ReadCertificates(certificatePath);
        var leaf = chain[0];
        chain.RemoveAt(0);
        var keyPem = ReadText(keyPath, "private key");

        X509Certificate2 withKey;
        switch (leaf.GetKeyAlgorithm())
        {
            case EcPublicKeyOid:
                using (var ec = ECDsa.Create())
                {
                    ImportKey(() => ec.ImportFromPem(keyPem), keyPath);
                    withKey = Attach(() => leaf.CopyWithPrivateKey(ec), certificatePath, keyPath);
                }

                break;
            case RsaPublicKeyOid:
                using (var rsa = RSA.Create())
                {
                    ImportKey(() => rsa.ImportFromPem(keyPem), keyPath);
                    withKey = Attach(() => leaf.CopyWithPrivateKey(rsa), certificatePath, keyPath);
                }

                break;
            default:
                throw new TlsCertificateException($"TLS certificate '{certificatePath}' has an unsupported key type ({leaf.GetKeyAlgorithm()}); use RSA or ECDSA.");
        }

        leaf.Dispose();
        return (Usable(withKey), chain);
    }

    /// <summary>
    /// On Windows, SChannel cannot use the ephemeral key of a certificate built from PEM, so it goes through PKCS#12 there.
    /// On Linux (OpenSSL) the key is usable as is; the handshake tests prove it, so no re-import is done.
    /// </summary>
    private static X509Certificate2 Usable(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    private static X509Certificate2Collection ReadCertificates(string path)
    {
        var text = ReadText(path, "certificate");
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException ex)
        {
            throw new TlsCertificateException($"TLS certificate file '{path}' is not a valid PEM certificate: {ex.Message}", ex);
        }

        if (certificates.Count == 0)
        {
            throw new TlsCertificateException($"TLS certificate file '{path}' holds no '-----BEGIN CERTIFICATE-----' block.");
        }

        return certificates;
    }

    private static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsCertificateException($"TLS {what} file '{path}' does not exist.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TlsCertificateException($"TLS {what} file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static void ImportKey(Action import, string keyPath)
    {
        try
        {
            import();
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new TlsCertificateException(
                $"TLS private key file '{keyPath}' holds no usable unencrypted private key of the certificate's type: {ex.Message}", ex);
        }
    }

    private static X509Certificate2 Attach(Func<X509Certificate2> attach, string certificatePath, string keyPath)
    {
        try
        {
            return attach();
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new TlsCertificateException($"TLS private key file '{keyPath}' does not match the certificate in '{certificatePath}'.", ex);
        }
    }
}
