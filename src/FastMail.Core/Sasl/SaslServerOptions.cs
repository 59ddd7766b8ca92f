namespace FastMail.Core.Sasl;

/// <summary>Which mechanisms a server offers and how much it accepts. Bound from configuration by the host.</summary>
public sealed class SaslServerOptions
{
    /// <summary>
    /// Mechanisms offered, in the order they are advertised (EHLO AUTH, POP3 CAPA SASL). Default PLAIN, LOGIN, SCRAM-SHA-256.
    /// PLAIN and LOGIN carry the password in the clear: the protocol layer offers them only on TLS connections.
    /// </summary>
    public SaslMechanism[] Mechanisms { get; set; } = [SaslMechanism.Plain, SaslMechanism.Login, SaslMechanism.ScramSha256];

    /// <summary>
    /// Longest base64 client response accepted, in octets. Default 12 KiB (9 KiB decoded): far above any real credential,
    /// and small enough that a hostile client sending huge AUTH lines costs little memory. Longer responses are malformed.
    /// </summary>
    public int MaxResponseLength { get; set; } = 12 * 1024;

    /// <summary>
    /// SCRAM iteration count announced for unknown users, so they look like real ones. Default 600,000, the accounts'
    /// default PBKDF2 count; set it to the accounts' <c>Pbkdf2Iterations</c> when that is changed.
    /// </summary>
    public int ScramFakeIterations { get; set; } = 600_000;

    /// <summary>Tests only: a fixed SCRAM server nonce (RFC 7677 section 3 test vector) instead of a random one.</summary>
    internal Func<string>? ServerNonceFactory { get; set; }

    public void Validate()
    {
        if (Mechanisms is null || Mechanisms.Length == 0)
        {
            throw new ArgumentException("sasl: at least one mechanism is required.", nameof(Mechanisms));
        }

        if (MaxResponseLength < 1024 || MaxResponseLength > 1024 * 1024)
        {
            throw new ArgumentException("sasl: MaxResponseLength must be between 1 KiB and 1 MiB.", nameof(MaxResponseLength));
        }

        if (ScramFakeIterations < ScramConstants.MinimumIterations)
        {
            throw new ArgumentException($"sasl: ScramFakeIterations must be at least {ScramConstants.MinimumIterations}.", nameof(ScramFakeIterations));
        }
    }
}
