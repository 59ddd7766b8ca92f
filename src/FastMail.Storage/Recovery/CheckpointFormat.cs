using System.Buffers.Binary;
using FastMail.Storage.Index;
using FastMail.Storage.Log;

namespace FastMail.Storage.Recovery;

/// <summary>
/// An index checkpoint file, little-endian: [magic u64][covered address i64][message count i32]
/// then per message [id i64][length i64][key i64][record address i64][inline offset i32][chunk length i32]
/// [chunk count i32, -1 inline][chunk address i64 per chunk], then [mailbox count i32] and per mailbox
/// [(u16 + UTF-8) name][count i32][message ordinal i32 per message, in id order], then [CRC-32C u32 of all before].
/// </summary>
internal static class CheckpointFormat
{
    /// <summary>"FMCKPT01" read as a little-endian integer; a new layout gets a new magic.</summary>
    public const long Magic = 0x3130_5450_4B43_4D46;

    /// <summary>Parses and verifies a checkpoint into a fresh index; throws <see cref="InvalidDataException"/> if it is damaged.</summary>
    public static long Read(ReadOnlySpan<byte> file, MailIndex index)
    {
        if (file.Length < 28)
        {
            throw new InvalidDataException($"Checkpoint is {file.Length} bytes, too short.");
        }

        var body = file[..^sizeof(uint)];
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(file[^sizeof(uint)..]);
        if (Crc32C.Append(0, body) != expected)
        {
            throw new InvalidDataException("Checkpoint checksum does not match its contents.");
        }

        try
        {
            return Parse(body, index);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException("Checkpoint is truncated.", e);
        }
    }

    private static long Parse(ReadOnlySpan<byte> body, MailIndex index)
    {
        var position = 0;
        if (Int64(body, ref position) != Magic)
        {
            throw new InvalidDataException("Checkpoint has an unknown format.");
        }

        var covered = Int64(body, ref position);
        var messages = new StoredMessage[Count(Int32(body, ref position), body.Length)];
        for (var i = 0; i < messages.Length; i++)
        {
            var id = Int64(body, ref position);
            var length = Int64(body, ref position);
            var key = Int64(body, ref position);
            var address = Int64(body, ref position);
            var inlineOffset = Int32(body, ref position);
            var chunkLength = Int32(body, ref position);
            var chunkCount = Int32(body, ref position);
            long[]? chunks = null;
            if (chunkCount >= 0)
            {
                chunks = new long[Count(chunkCount, body.Length)];
                for (var c = 0; c < chunks.Length; c++)
                {
                    chunks[c] = Int64(body, ref position);
                }
            }

            messages[i] = new StoredMessage(id, length, key, new BodyLocation(address, inlineOffset, chunks, chunkLength));
        }

        var mailboxCount = Count(Int32(body, ref position), body.Length);
        for (var m = 0; m < mailboxCount; m++)
        {
            var name = RecordFormat.ReadMailboxName(body, ref position);
            var count = Count(Int32(body, ref position), body.Length);
            var list = new List<StoredMessage>(count);
            for (var i = 0; i < count; i++)
            {
                var ordinal = Int32(body, ref position);
                if ((uint)ordinal >= (uint)messages.Length)
                {
                    throw new InvalidDataException($"Checkpoint lists unknown message ordinal {ordinal}.");
                }

                var message = messages[ordinal];
                if (list.Count > 0 && list[^1].Id >= message.Id)
                {
                    throw new InvalidDataException($"Checkpoint lists mailbox {name} out of id order.");
                }

                list.Add(message);
            }

            index.Load(name, list);
        }

        if (position != body.Length)
        {
            throw new InvalidDataException("Checkpoint has trailing bytes.");
        }

        return covered;
    }

    private static int Count(int value, int limit) =>
        value < 0 || value > limit ? throw new InvalidDataException($"Checkpoint has a bad count {value}.") : value;

    private static long Int64(ReadOnlySpan<byte> body, ref int position)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(body[position..]);
        position += sizeof(long);
        return value;
    }

    private static int Int32(ReadOnlySpan<byte> body, ref int position)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(body[position..]);
        position += sizeof(int);
        return value;
    }
}
