using System.Buffers.Binary;

namespace FastMail.Storage.Index;

/// <summary>The layout of the index's small fixed records (<see cref="MailboxRecord"/>, <see cref="IndexTotals"/>): four little-endian i64.</summary>
internal static class FourLongs
{
    public const int Size = 4 * sizeof(long);

    public static (long A, long B, long C, long D) Read(ReadOnlySpan<byte> value, string what) =>
        value.Length != Size
            ? throw new InvalidDataException($"{what} is {value.Length} bytes, expected {Size}.")
            : (BinaryPrimitives.ReadInt64LittleEndian(value),
               BinaryPrimitives.ReadInt64LittleEndian(value[8..]),
               BinaryPrimitives.ReadInt64LittleEndian(value[16..]),
               BinaryPrimitives.ReadInt64LittleEndian(value[24..]));

    public static void Write(Span<byte> destination, long a, long b, long c, long d)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, a);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], b);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], c);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], d);
    }
}
