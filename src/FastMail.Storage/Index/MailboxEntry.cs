using System.Buffers.Binary;

namespace FastMail.Storage.Index;

/// <summary>
/// One message as a mailbox lists it: its id (the UIDL's source) and size, all POP3 needs before a RETR. Stored as the
/// value under <c>E</c> + sequence + name: [id i64][length i64].
/// </summary>
internal readonly record struct MailboxEntry(long Id, long Length)
{
    public const int Size = 2 * sizeof(long);

    public static MailboxEntry Read(ReadOnlySpan<byte> value) =>
        value.Length != Size
            ? throw new InvalidDataException($"Mailbox entry is {value.Length} bytes, expected {Size}.")
            : new MailboxEntry(BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value[sizeof(long)..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, Id);
        BinaryPrimitives.WriteInt64LittleEndian(destination[sizeof(long)..], Length);
    }
}
