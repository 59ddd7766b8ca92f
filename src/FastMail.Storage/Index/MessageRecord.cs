using System.Buffers.Binary;
using FastMail.Storage.Log;

namespace FastMail.Storage.Index;

/// <summary>
/// The value under <c>B</c> + id: [length i64][key i64][record address i64][inline offset i32][chunk length i32]
/// [chunk count i32, -1 inline][listing count i32], the chunk addresses (i64 each), then per mailbox listing the
/// message [entry sequence i64][(u16 + UTF-8) name]. One record per stored copy, however many mailboxes list it:
/// compaction moves a body by rewriting this record alone, and a delete finds the mailbox's entry here without a search.
/// The message lives while any listing remains.
/// </summary>
internal static class MessageRecord
{
    private const int HeaderSize = (3 * sizeof(long)) + (4 * sizeof(int));

    public static int Size(StoredMessage message, ReadOnlySpan<Listing> listings)
    {
        var size = HeaderSize + ((message.Location.ChunkAddresses?.Length ?? 0) * sizeof(long));
        foreach (var listing in listings)
        {
            size += sizeof(long) + RecordFormat.MailboxNameSize(listing.Mailbox);
        }

        return size;
    }

    public static int Write(Span<byte> destination, StoredMessage message, ReadOnlySpan<Listing> listings)
    {
        var location = message.Location;
        BinaryPrimitives.WriteInt64LittleEndian(destination, message.Length);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], message.Key);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], location.RecordAddress);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], location.InlineBodyOffset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], location.ChunkLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], location.ChunkAddresses?.Length ?? -1);
        BinaryPrimitives.WriteInt32LittleEndian(destination[36..], listings.Length);
        var position = HeaderSize;
        foreach (var chunk in location.ChunkAddresses ?? [])
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[position..], chunk);
            position += sizeof(long);
        }

        foreach (var listing in listings)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[position..], listing.Sequence);
            position += sizeof(long);
            position += RecordFormat.WriteMailboxName(destination[position..], listing.Mailbox);
        }

        return position;
    }

    /// <summary>Parses the message (id <paramref name="id"/>) and, if <paramref name="listings"/> is given, fills it with the mailboxes listing it.</summary>
    public static StoredMessage Read(ReadOnlySpan<byte> value, long id, List<Listing>? listings)
    {
        try
        {
            var length = BinaryPrimitives.ReadInt64LittleEndian(value);
            var key = BinaryPrimitives.ReadInt64LittleEndian(value[8..]);
            var address = BinaryPrimitives.ReadInt64LittleEndian(value[16..]);
            var inlineOffset = BinaryPrimitives.ReadInt32LittleEndian(value[24..]);
            var chunkLength = BinaryPrimitives.ReadInt32LittleEndian(value[28..]);
            var chunkCount = BinaryPrimitives.ReadInt32LittleEndian(value[32..]);
            var listingCount = BinaryPrimitives.ReadInt32LittleEndian(value[36..]);
            var position = HeaderSize;
            long[]? chunks = null;
            if (chunkCount >= 0)
            {
                chunks = new long[chunkCount];
                for (var i = 0; i < chunks.Length; i++)
                {
                    chunks[i] = BinaryPrimitives.ReadInt64LittleEndian(value[position..]);
                    position += sizeof(long);
                }
            }

            if (listings is not null)
            {
                for (var i = 0; i < listingCount; i++)
                {
                    var sequence = BinaryPrimitives.ReadInt64LittleEndian(value[position..]);
                    position += sizeof(long);
                    listings.Add(new Listing(RecordFormat.ReadMailboxName(value, ref position), sequence));
                }
            }

            return new StoredMessage(id, length, key, new BodyLocation(address, inlineOffset, chunks, chunkLength));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"Index record of message {id} is truncated.", e);
        }
    }
}

/// <summary>A mailbox listing a message, and the sequence number of its entry there.</summary>
internal readonly record struct Listing(string Mailbox, long Sequence);
