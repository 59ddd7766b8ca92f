using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastMail.Configuration;
using FastMail.Hosting.Tls;

namespace FastMail.Check;

/// <summary>
/// The configured certificate: readable, its key matches, valid now (FAIL), more than 30 days left (WARN otherwise),
/// and issued for the host name (WARN otherwise: clients checking names will refuse it).
/// </summary>
internal static class TlsCertificateCheck
{
    private const string Name = "tls certificate";

    public static CheckResult Run(FastMailSettings settings, DateTimeOffset now)
    {
        if (settings.Tls.CertificatePath is null || settings.Tls.KeyPath is null)
        {
            var (selfSigned, _) = CertificateProvider.SelfSignedPaths(settings.DataDirectory);
            return CheckResult.Warn(Name, File.Exists(selfSigned)
                ? $"self-signed ({selfSigned}); clients will not trust it: set tls.certificate and tls.key for a public server"
                : "none configured: a self-signed one is generated at first start; set tls.certificate and tls.key for a public server");
        }

        X509Certificate2 certificate;
        try
        {
            (certificate, var intermediates) = PemCertificateLoader.Load(settings.Tls.CertificatePath, settings.Tls.KeyPath);
            foreach (var intermediate in intermediates)
            {
                intermediate.Dispose();
            }
        }
        catch (Exception e) when (e is TlsCertificateException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            return CheckResult.Fail(Name, e.Message);
        }

        using (certificate)
        {
            return Judge(certificate, settings.Tls.CertificatePath, settings.HostName, now);
        }
    }

    internal static CheckResult Judge(X509Certificate2 certificate, string path, string hostName, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var what = $"{path} ({certificate.Subject}, until {notAfter:yyyy-MM-dd})";
        if (notAfter <= now)
        {
            return CheckResult.Fail(Name, $"{what} has expired: clients will refuse TLS");
        }

        if (notBefore > now)
        {
            return CheckResult.Fail(Name, $"{what} is not valid before {notBefore:yyyy-MM-dd HH:mm}Z (check the clock)");
        }

        if (!certificate.MatchesHostname(hostName))
        {
            return CheckResult.Warn(Name, $"{what} does not cover the host name {hostName}: clients that check names will refuse it");
        }

        var left = notAfter - now;
        return left < TimeSpan.FromDays(30)
            ? CheckResult.Warn(Name, $"{what} expires in {left.TotalDays:0} days: renew it, then `kill -HUP` the server")
            : CheckResult.Ok(Name, $"{what}, key matches, covers {hostName}");
    }
}
