using System.Buffers.Binary;

namespace FastMail.Storage.Index;

/// <summary>
/// The value under <c>G</c>, rewritten with every change so a checkpoint holds totals that match its listings:
/// listings (a message in two mailboxes counts twice), mailboxes, live messages and their approximate log bytes
/// (which tell compaction how much of the log is dead).
/// </summary>
internal record struct IndexTotals(long Listings, long Mailboxes, long LiveMessages, long LiveBytes)
{
    public const int Size = 4 * sizeof(long);

    public static IndexTotals Read(ReadOnlySpan<byte> value) =>
        value.Length != Size
            ? throw new InvalidDataException($"Index totals are {value.Length} bytes, expected {Size}.")
            : new IndexTotals(
                BinaryPrimitives.ReadInt64LittleEndian(value),
                BinaryPrimitives.ReadInt64LittleEndian(value[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(value[16..]),
                BinaryPrimitives.ReadInt64LittleEndian(value[24..]));

    public readonly void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, Listings);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Mailboxes);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], LiveMessages);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], LiveBytes);
    }
}
