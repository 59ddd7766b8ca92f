using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The tls.* keys: PEM files of the server certificate, or neither for a self-signed one in the data directory.</summary>
internal sealed class TlsSection
{
    /// <summary>Absolute path of the PEM certificate chain; null with <see cref="KeyPath"/> null means self-signed.</summary>
    public required string? CertificatePath { get; init; }

    public required string? KeyPath { get; init; }

    public static TlsSection Bind(ConfigValues values)
    {
        var section = new TlsSection
        {
            CertificatePath = OptionalPath(values, ConfigKeys.TlsCertificate),
            KeyPath = OptionalPath(values, ConfigKeys.TlsKey),
        };
        if ((section.CertificatePath is null) != (section.KeyPath is null))
        {
            throw new ConfigException($"{ConfigKeys.TlsCertificate.Name} and {ConfigKeys.TlsKey.Name} must be set together (or both left empty for a self-signed certificate)");
        }

        return section;
    }
}
