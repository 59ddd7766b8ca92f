using System.Buffers.Binary;

namespace FastMail.Storage.Index;

/// <summary>
/// The value under <c>E</c> + chunk + name: [count i32][capacity i32] then capacity slots of [id i64][length i64], the
/// first count in id order. A new chunk has room for 8 and doubles up to 64 when it fills, so a small mailbox stays
/// small while a big one lists in one read per 64 messages; an append or delete rewrites one chunk, in place while it
/// is in FASTER's mutable memory.
/// </summary>
internal static class EntryChunk
{
    public const int MaxEntries = 64;
    public const int MaxSize = HeaderSize + (MaxEntries * EntrySize);
    private const int HeaderSize = 2 * sizeof(int);
    private const int EntrySize = 2 * sizeof(long);
    private const int FirstCapacity = 8;

    public static int Count(ReadOnlySpan<byte> chunk) => BinaryPrimitives.ReadInt32LittleEndian(chunk);

    public static MailboxEntry Entry(ReadOnlySpan<byte> chunk, int index)
    {
        var slot = chunk[(HeaderSize + (index * EntrySize))..];
        return new MailboxEntry(BinaryPrimitives.ReadInt64LittleEndian(slot), BinaryPrimitives.ReadInt64LittleEndian(slot[sizeof(long)..]));
    }

    /// <summary>Writes a chunk holding only <paramref name="entry"/>; returns its size.</summary>
    public static int New(Span<byte> destination, MailboxEntry entry)
    {
        var size = HeaderSize + (FirstCapacity * EntrySize);
        destination[..size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(destination[sizeof(int)..], FirstCapacity);
        SetCount(destination, 1);
        SetEntry(destination, 0, entry);
        return size;
    }

    /// <summary>True when the chunk has room for another entry (growing it if need be).</summary>
    public static bool HasRoom(ReadOnlySpan<byte> chunk) => Count(chunk) < MaxEntries;

    /// <summary>
    /// Copies <paramref name="chunk"/> into <paramref name="destination"/> with <paramref name="entry"/> in id order,
    /// doubling the capacity if it is full. Returns the new size, or -1 if the id is already listed.
    /// </summary>
    public static int Insert(ReadOnlySpan<byte> chunk, Span<byte> destination, MailboxEntry entry)
    {
        var count = Count(chunk);
        var capacity = Capacity(chunk);
        var newCapacity = count < capacity ? capacity : Math.Min(MaxEntries, capacity * 2);
        var size = HeaderSize + (newCapacity * EntrySize);
        chunk[..(HeaderSize + (count * EntrySize))].CopyTo(destination);
        destination[(HeaderSize + (count * EntrySize))..size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(destination[sizeof(int)..], newCapacity);

        // Commits finish nearly in id order, so the place is almost always the end.
        var position = count;
        while (position > 0 && Entry(destination, position - 1).Id >= entry.Id)
        {
            if (Entry(destination, position - 1).Id == entry.Id)
            {
                return -1;
            }

            position--;
        }

        for (var i = count; i > position; i--)
        {
            SetEntry(destination, i, Entry(destination, i - 1));
        }

        SetEntry(destination, position, entry);
        SetCount(destination, count + 1);
        return size;
    }

    /// <summary>
    /// Copies <paramref name="chunk"/> into <paramref name="destination"/> without the entry of <paramref name="id"/>
    /// (same capacity, so the update stays in place). Returns the size, or -1 if the id is not listed.
    /// </summary>
    public static int Remove(ReadOnlySpan<byte> chunk, Span<byte> destination, long id)
    {
        var count = Count(chunk);
        var size = HeaderSize + (Capacity(chunk) * EntrySize);
        var position = 0;
        while (position < count && Entry(chunk, position).Id != id)
        {
            position++;
        }

        if (position == count)
        {
            return -1;
        }

        chunk[..size].CopyTo(destination);
        for (var i = position; i < count - 1; i++)
        {
            SetEntry(destination, i, Entry(destination, i + 1));
        }

        SetEntry(destination, count - 1, default);
        SetCount(destination, count - 1);
        return size;
    }

    /// <summary>Checks the header against the value's length; throws <see cref="InvalidDataException"/> if they disagree.</summary>
    public static void Validate(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < HeaderSize || Capacity(chunk) is var capacity && (capacity is < 1 or > MaxEntries || chunk.Length != HeaderSize + (capacity * EntrySize))
            || Count(chunk) < 0 || Count(chunk) > Capacity(chunk))
        {
            throw new InvalidDataException($"Index entry chunk of {chunk.Length} bytes has a bad header.");
        }
    }

    private static int Capacity(ReadOnlySpan<byte> chunk) => BinaryPrimitives.ReadInt32LittleEndian(chunk[sizeof(int)..]);

    private static void SetCount(Span<byte> chunk, int count) => BinaryPrimitives.WriteInt32LittleEndian(chunk, count);

    private static void SetEntry(Span<byte> chunk, int index, MailboxEntry entry)
    {
        var slot = chunk[(HeaderSize + (index * EntrySize))..];
        BinaryPrimitives.WriteInt64LittleEndian(slot, entry.Id);
        BinaryPrimitives.WriteInt64LittleEndian(slot[sizeof(long)..], entry.Length);
    }
}
