using System.Text;

namespace FastMail.Core.Sasl;

/// <summary>The registered mechanism names (IANA SASL registry) and their case-insensitive parsing (RFC 4422 section 3.1).</summary>
public static class SaslMechanismNames
{
    public static ReadOnlySpan<byte> Plain => "PLAIN"u8;

    public static ReadOnlySpan<byte> Login => "LOGIN"u8;

    public static ReadOnlySpan<byte> ScramSha256 => "SCRAM-SHA-256"u8;

    /// <summary>Parses a mechanism name as sent after AUTH, in any case.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out SaslMechanism mechanism)
    {
        if (Ascii.EqualsIgnoreCase(name, Plain))
        {
            mechanism = SaslMechanism.Plain;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(name, Login))
        {
            mechanism = SaslMechanism.Login;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(name, ScramSha256))
        {
            mechanism = SaslMechanism.ScramSha256;
            return true;
        }

        mechanism = default;
        return false;
    }

    /// <summary>The wire name of <paramref name="mechanism"/>.</summary>
    public static ReadOnlySpan<byte> Of(SaslMechanism mechanism) => mechanism switch
    {
        SaslMechanism.Plain => Plain,
        SaslMechanism.Login => Login,
        SaslMechanism.ScramSha256 => ScramSha256,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism)),
    };
}
