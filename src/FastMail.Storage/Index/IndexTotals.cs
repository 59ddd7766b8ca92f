namespace FastMail.Storage.Index;

/// <summary>
/// The value under <c>G</c>, rewritten with every change so a checkpoint holds totals that match its listings:
/// listings (a message in two mailboxes counts twice), mailboxes, live messages and their approximate log bytes
/// (which tell compaction how much of the log is dead).
/// </summary>
internal record struct IndexTotals(long Listings, long Mailboxes, long LiveMessages, long LiveBytes)
{
    public const int Size = FourLongs.Size;

    public static IndexTotals Read(ReadOnlySpan<byte> value)
    {
        var (listings, mailboxes, messages, bytes) = FourLongs.Read(value, "Index totals");
        return new IndexTotals(listings, mailboxes, messages, bytes);
    }

    public readonly void Write(Span<byte> destination) => FourLongs.Write(destination, Listings, Mailboxes, LiveMessages, LiveBytes);
}
