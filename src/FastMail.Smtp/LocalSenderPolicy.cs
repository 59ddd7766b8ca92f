namespace FastMail.Smtp;

/// <summary>What an unauthenticated MAIL FROM in a local domain gets (see <see cref="SmtpOptions.LocalSenderPolicy"/>).</summary>
public enum LocalSenderPolicy
{
    /// <summary>Accepted like any other sender.</summary>
    Accept,

    /// <summary>Refused with 550 5.7.1: local users must authenticate to send as themselves.</summary>
    Reject,

    /// <summary>Accepted; the message gets an <c>X-FastMail-Unauthenticated-Sender: yes</c> header after Received.</summary>
    AcceptAndMark,
}
