namespace FastMail.Core.Sasl;

/// <summary>
/// One answer of the server side of a SASL exchange. <see cref="Challenge"/> is already base64 for the wire (ASCII bytes;
/// may be empty, which is sent as "334 " / "+ "). It points into the session's buffer: write it out before the next step.
/// </summary>
public readonly struct SaslStep
{
    internal SaslStep(SaslStatus status, ReadOnlyMemory<byte> challenge, string? authenticatedUser)
    {
        Status = status;
        Challenge = challenge;
        AuthenticatedUser = authenticatedUser;
    }

    public SaslStatus Status { get; }

    /// <summary>
    /// For <see cref="SaslStatus.Continue"/>: the next challenge. For <see cref="SaslStatus.Failed"/>: empty, or a SCRAM
    /// server-error ("e=...", RFC 5802 section 7) a protocol may show; failures that depend on the account never carry one.
    /// </summary>
    public ReadOnlyMemory<byte> Challenge { get; }

    /// <summary>The canonical mailbox when <see cref="Status"/> is <see cref="SaslStatus.Succeeded"/>, else null.</summary>
    public string? AuthenticatedUser { get; }
}
