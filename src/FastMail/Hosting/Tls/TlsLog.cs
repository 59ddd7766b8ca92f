using Microsoft.Extensions.Logging;

namespace FastMail.Hosting.Tls;

/// <summary>Source-generated log messages for TLS certificates (event ids 1300-1309).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "TLS certificate {Subject} ({Thumbprint}) from {Path}, valid until {NotAfter:u}")]
    public static partial void Loaded(ILogger logger, string subject, string thumbprint, string path, DateTime notAfter);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "No TLS certificate configured: generated a self-signed one for {HostName} in {Path}; clients will not trust it without being told to")]
    public static partial void GeneratedSelfSigned(ILogger logger, string hostName, string path);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "The self-signed TLS certificate in {Path} expires {NotAfter:u}: replacing it")]
    public static partial void ReplacingExpiring(ILogger logger, string path, DateTime notAfter);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "TLS certificate from {Path} expired or not yet valid (valid {NotBefore:u} to {NotAfter:u}); clients will reject it")]
    public static partial void OutsideValidity(ILogger logger, string path, DateTime notBefore, DateTime notAfter);
}
