using System.Buffers.Binary;

namespace FastMail.Storage.Index;

/// <summary>
/// The value under <c>M</c> + name: the mailbox's entries have sequence numbers in [<see cref="FirstSequence"/>,
/// <see cref="NextSequence"/>) (deletes leave gaps), and it lists <see cref="Count"/> messages of <see cref="Bytes"/>
/// octets, so a quota check is one read. Fixed size and small, so FASTER updates it in place and the records of even
/// 100,000 mailboxes stay in the index memory.
/// </summary>
internal record struct MailboxRecord(long FirstSequence, long NextSequence, long Count, long Bytes)
{
    public const int Size = 4 * sizeof(long);

    public static MailboxRecord Read(ReadOnlySpan<byte> value)
    {
        if (value.Length != Size)
        {
            throw new InvalidDataException($"Mailbox record is {value.Length} bytes, expected {Size}.");
        }

        return new MailboxRecord(
            BinaryPrimitives.ReadInt64LittleEndian(value),
            BinaryPrimitives.ReadInt64LittleEndian(value[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(value[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(value[24..]));
    }

    public readonly void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], NextSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], Bytes);
    }
}
