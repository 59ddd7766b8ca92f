namespace FastMail.Core.Services;

/// <summary>Mail the server writes itself (delivery status notifications): routed like SMTP mail, without the relay check.</summary>
public interface IMailSubmission
{
    /// <summary>
    /// Stores <paramref name="message"/> (CRLF line ends) from <paramref name="sender"/> (empty: the null reverse-path) for
    /// <paramref name="recipient"/>: a local mailbox, or the outbound queue for a remote address. Completes once durable
    /// with the message id (<paramref name="eightBit"/>: stored with BODY=8BITMIME, for the next hop), or -1 when the recipient is a local address with no mailbox (logged, nothing stored).
    /// </summary>
    ValueTask<long> SubmitAsync(string sender, string recipient, ReadOnlyMemory<byte> message, bool eightBit, CancellationToken cancellationToken);
}
