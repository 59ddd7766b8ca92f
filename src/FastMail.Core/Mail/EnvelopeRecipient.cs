namespace FastMail.Core.Mail;

/// <summary>One accepted forward-path of an <see cref="Envelope"/>: a view into its buffer, valid until the envelope changes.</summary>
public readonly ref struct EnvelopeRecipient
{
    public EnvelopeRecipient(ReadOnlySpan<byte> address, ReadOnlySpan<byte> parameters, string? mailbox)
    {
        Address = address;
        Parameters = parameters;
        Mailbox = mailbox;
    }

    /// <summary>The forward-path without angle brackets, qualified.</summary>
    public ReadOnlySpan<byte> Address { get; }

    /// <summary>The ESMTP parameters of RCPT TO as the client sent them.</summary>
    public ReadOnlySpan<byte> Parameters { get; }

    /// <summary>The local mailbox the address resolved to; null for a recipient that is not delivered locally.</summary>
    public string? Mailbox { get; }
}
