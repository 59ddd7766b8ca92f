namespace FastMail.Storage.Index;

/// <summary>
/// The value under <c>M</c> + name: the mailbox's entries have sequence numbers in [<see cref="FirstSequence"/>,
/// <see cref="NextSequence"/>) (deletes leave gaps), and it lists <see cref="Count"/> messages of <see cref="Bytes"/>
/// octets, so a quota check is one read. Fixed size and small, so FASTER updates it in place and the records of even
/// 100,000 mailboxes stay in the index memory.
/// </summary>
internal record struct MailboxRecord(long FirstSequence, long NextSequence, long Count, long Bytes)
{
    public const int Size = FourLongs.Size;

    public static MailboxRecord Read(ReadOnlySpan<byte> value)
    {
        var (first, next, count, bytes) = FourLongs.Read(value, "Mailbox record");
        return new MailboxRecord(first, next, count, bytes);
    }

    public readonly void Write(Span<byte> destination) => FourLongs.Write(destination, FirstSequence, NextSequence, Count, Bytes);
}
