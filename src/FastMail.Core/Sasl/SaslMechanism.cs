namespace FastMail.Core.Sasl;

/// <summary>The SASL mechanisms FastMail serves.</summary>
public enum SaslMechanism
{
    /// <summary>RFC 4616. Sends the password in the clear: offer it only over TLS (RFC 4954 section 4).</summary>
    Plain,

    /// <summary>draft-murchison-sasl-login: "Username:" and "Password:" challenges. Clear text like PLAIN.</summary>
    Login,

    /// <summary>RFC 5802 + RFC 7677, without channel binding. The password never crosses the wire.</summary>
    ScramSha256,
}
