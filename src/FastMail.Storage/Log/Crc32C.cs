using System.Numerics;
using System.Runtime.InteropServices;

namespace FastMail.Storage.Log;

/// <summary>CRC-32C (Castagnoli), hardware-accelerated by <see cref="BitOperations.Crc32C(uint, ulong)"/>; any split of the input gives the same result.</summary>
internal static class Crc32C
{
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
