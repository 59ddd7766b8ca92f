namespace FastMail.Migration;

/// <summary>Where an export goes: a Maildir or an mbox file.</summary>
internal interface IMailboxWriter : IDisposable
{
    /// <summary>
    /// Writes one message from <paramref name="open"/> (a stream over its stored bytes; called once per message),
    /// <paramref name="header"/> being its header block, <paramref name="arrival"/> when it arrived. Returns the bytes written.
    /// </summary>
    long Write(long id, ReadOnlySpan<byte> header, DateTimeOffset arrival, Func<Stream> open);

    /// <summary>Makes everything written durable.</summary>
    void Complete();
}
