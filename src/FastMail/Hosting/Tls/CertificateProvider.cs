using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace FastMail.Hosting.Tls;

/// <summary>
/// Finds the server's TLS certificate: the configured PEM certificate and key, or else a self-signed certificate made
/// once in <c>&lt;data&gt;/tls/</c> and reused on later starts (so clients that pinned it keep working).
/// </summary>
internal static class CertificateProvider
{
    /// <summary>A self-signed certificate this close to expiry is replaced at startup.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>
    /// The certificate (with its private key) for <see cref="System.Net.Security.SslStream"/> as a server.
    /// Both paths given: load them (a chain after the leaf in the certificate file is available from
    /// <see cref="LoadIntermediates"/>). Neither: the self-signed certificate in <paramref name="dataDirectory"/>/tls,
    /// made on first use for <paramref name="hostName"/> and localhost. Throws <see cref="TlsCertificateException"/>,
    /// naming the file, when a file is missing, unreadable, not PEM, or the key does not match; and
    /// <see cref="ArgumentException"/> when only one of the two paths is given.
    /// </summary>
    public static X509Certificate2 Load(string? certificatePemPath, string? keyPemPath, string dataDirectory, string hostName, ILogger logger) =>
        Load(certificatePemPath, keyPemPath, dataDirectory, hostName, logger, TimeProvider.System);

    internal static X509Certificate2 Load(string? certificatePemPath, string? keyPemPath, string dataDirectory, string hostName, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var hasCertificate = !string.IsNullOrWhiteSpace(certificatePemPath);
        var hasKey = !string.IsNullOrWhiteSpace(keyPemPath);
        if (hasCertificate != hasKey)
        {
            throw new ArgumentException(hasCertificate
                ? $"tls: certificate '{certificatePemPath}' is configured without its private key file."
                : $"tls: private key '{keyPemPath}' is configured without its certificate file.");
        }

        if (hasCertificate)
        {
            var (certificate, intermediates) = PemCertificateLoader.Load(certificatePemPath!, keyPemPath!);
            DisposeAll(intermediates);
            Report(certificate, certificatePemPath!, logger, time);
            return certificate;
        }

        return LoadSelfSigned(dataDirectory, hostName, logger, time);
    }

    /// <summary>The certificates after the leaf in a PEM file (the chain to send); empty when there is none or no file.</summary>
    public static X509Certificate2Collection LoadIntermediates(string? certificatePemPath)
    {
        var collection = new X509Certificate2Collection();
        if (string.IsNullOrWhiteSpace(certificatePemPath))
        {
            return collection;
        }

        collection.ImportFromPemFile(certificatePemPath);
        if (collection.Count > 0)
        {
            collection[0].Dispose();
            collection.RemoveAt(0);
        }

        return collection;
    }

    /// <summary>Where the self-signed certificate lives: <c>&lt;data&gt;/tls/selfsigned.crt</c> and <c>.key</c>.</summary>
    public static (string CertificatePath, string KeyPath) SelfSignedPaths(string dataDirectory)
    {
        var directory = Path.Combine(dataDirectory, "tls");
        return (Path.Combine(directory, "selfsigned.crt"), Path.Combine(directory, "selfsigned.key"));
    }

    private static X509Certificate2 LoadSelfSigned(string dataDirectory, string hostName, ILogger logger, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        hostName = string.IsNullOrWhiteSpace(hostName) ? "localhost" : hostName.Trim();
        var (certificatePath, keyPath) = SelfSignedPaths(dataDirectory);
        var now = time.GetUtcNow();
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            SelfSignedCertificate.RestrictToOwner(certificatePath, keyPath);
            var (existing, intermediates) = PemCertificateLoader.Load(certificatePath, keyPath);
            DisposeAll(intermediates);
            if (existing.NotAfter.ToUniversalTime() - now.UtcDateTime > RenewBefore)
            {
                Report(existing, certificatePath, logger, time);
                return existing;
            }

            TlsLog.ReplacingExpiring(logger, certificatePath, existing.NotAfter.ToUniversalTime());
            existing.Dispose();
        }

        SelfSignedCertificate.Create(hostName, certificatePath, keyPath, now);
        TlsLog.GeneratedSelfSigned(logger, hostName, certificatePath);
        var (created, rest) = PemCertificateLoader.Load(certificatePath, keyPath);
        DisposeAll(rest);
        return created;
    }

    private static void Report(X509Certificate2 certificate, string path, ILogger logger, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var notBefore = certificate.NotBefore.ToUniversalTime();
        var notAfter = certificate.NotAfter.ToUniversalTime();
        if (now < notBefore || now > notAfter)
        {
            TlsLog.OutsideValidity(logger, path, notBefore, notAfter);
        }

        TlsLog.Loaded(logger, certificate.Subject, certificate.Thumbprint, path, notAfter);
    }

    private static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
