using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FastMail.AotSmoke;

/// <summary>
/// The deterministic bytes both phases agree on: record i always has the same key, value and log entry, so verify needs
/// nothing from write but DIR and N. Generation 0 is what the checkpoint holds; generation 1 is what write keeps
/// overwriting afterwards and recovery must not bring back.
/// </summary>
internal static class Payloads
{
    public const int MaxKeyLength = 16;
    public const int MaxValueLength = 72;
    public const int MaxLogEntryLength = 120;

    public static int Key(long i, Span<byte> destination) =>
        Encoding.ASCII.GetBytes("key-" + i.ToString(CultureInfo.InvariantCulture), destination);

    /// <summary>24 to 72 bytes, varying with i so records of many sizes share pages.</summary>
    public static int Value(long i, int generation, Span<byte> destination)
    {
        var length = 24 + (int)(i % 49);
        for (var j = 0; j < length; j++)
        {
            destination[j] = (byte)((i * 31) + (j * 7) + (generation * 101));
        }

        return length;
    }

    /// <summary>The entry's index in its first 8 bytes (so a misplaced entry says where it came from), then filler.</summary>
    public static int LogEntry(long i, Span<byte> destination)
    {
        var length = 16 + (int)(i % 100);
        BinaryPrimitives.WriteInt64LittleEndian(destination, i);
        for (var j = 8; j < length; j++)
        {
            destination[j] = (byte)(i ^ (j * 13));
        }

        return length;
    }

    public static long LongValue(long i, int generation) => (i * 1_000_003) + (generation * 7_777_777) + 17;
}
