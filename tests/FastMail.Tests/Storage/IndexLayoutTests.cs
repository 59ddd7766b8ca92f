using System.Buffers.Binary;
using System.Text;
using FastMail.Storage.Index;

namespace FastMail.Tests.Storage;

/// <summary>
/// The byte layouts of the FasterKV mailbox index: keys (<see cref="IndexKeys"/>), mailbox entries, mailbox and message
/// records and the totals. A checkpoint holds these bytes, so a change to any of them is a format change.
/// </summary>
public sealed class IndexLayoutTests
{
    // Listings of one message: non-ASCII names, and entry sequence numbers small and large.
    private static readonly Listing[] SeveralListings =
    [
        new("alice@example.com", 0),
        new("jörg@exämple.de", 5),
        new("日本@例え.jp", 1L << 33),
        new("x", long.MaxValue),
    ];

    // ---- IndexKeys ----

    [Fact]
    public void EveryKeyKindHasItsOwnFirstByte()
    {
        byte[] kinds = [IndexKeys.MailboxKind, IndexKeys.EntryKind, IndexKeys.MessageKind, IndexKeys.TotalsKind, IndexKeys.CoveredKind, IndexKeys.QueueKind];
        Assert.Equal(kinds.Length, kinds.Distinct().Count());

        var key = new byte[IndexKeys.MaxKeySize];
        IndexKeys.Mailbox(key, "alice");
        Assert.Equal(IndexKeys.MailboxKind, key[0]);
        IndexKeys.Entry(key, "alice", 3);
        Assert.Equal(IndexKeys.EntryKind, key[0]);
        IndexKeys.Message(key, 64);
        Assert.Equal(IndexKeys.MessageKind, key[0]);
        Assert.Equal([IndexKeys.TotalsKind], IndexKeys.Totals.ToArray());
        Assert.Equal([IndexKeys.CoveredKind], IndexKeys.Covered.ToArray());
    }

    [Fact]
    public void AnEntryKeyIsTheKindThenTheSequenceThenTheName()
    {
        // The fixed-size sequence sits before the variable-size name, so where the name starts never depends on it.
        var key = new byte[IndexKeys.MaxKeySize];
        var size = IndexKeys.Entry(key, "ab", 0x0102030405060708);

        Assert.Equal(1 + 8 + 2, size);
        Assert.Equal(IndexKeys.EntryKind, key[0]);
        Assert.Equal(0x0102030405060708, BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(1)));
        Assert.Equal("ab"u8.ToArray(), key[9..size]);
    }

    [Fact]
    public void MessageKeyIsTheKindThenTheId()
    {
        var key = new byte[IndexKeys.MaxKeySize];
        var size = IndexKeys.Message(key, 0x7766554433221100);

        Assert.Equal(9, size);
        Assert.Equal(IndexKeys.MessageKind, key[0]);
        Assert.Equal(0x7766554433221100, BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(1)));
    }

    [Fact]
    public void KeysOfDifferentNamesSequencesIdsAndKindsAreAllDistinct()
    {
        // Names that are prefixes of each other, or whose bytes could pass for a sequence number's ('a' = 0x61, 'b' = 0x62),
        // and sequences and ids made of those same bytes: no two (kind, name, number) may share a key.
        string[] names = ["a", "ab", "b", "ba", "aa", "a\u0001", "\u0001", "abcdefghij", "E", "M", "B", "é", "e\u0301", "日本"];
        long[] numbers = [0, 1, 2, 63, 64, 0x62, 0x6261, 0x6162, 0x0062_0000_0000_0000, 1L << 56, long.MaxValue];
        var keys = new List<byte[]>();
        var buffer = new byte[IndexKeys.MaxKeySize];
        foreach (var name in names)
        {
            keys.Add(buffer[..IndexKeys.Mailbox(buffer, name)]);
            foreach (var number in numbers)
            {
                keys.Add(buffer[..IndexKeys.Entry(buffer, name, number)]);
            }
        }

        foreach (var number in numbers)
        {
            keys.Add(buffer[..IndexKeys.Message(buffer, number)]);
        }

        keys.Add(IndexKeys.Totals.ToArray());
        keys.Add(IndexKeys.Covered.ToArray());

        var distinct = new HashSet<string>(keys.Select(Convert.ToHexString));
        Assert.Equal(keys.Count, distinct.Count);
    }

    [Theory]
    [InlineData("jörg@exämple.de")]
    [InlineData("日本@例え.jp")]
    [InlineData("emoji-😀@example.com")]
    [InlineData("e\u0301")] // not normalized: the name's own code points, as given
    public void NonAsciiNamesAreStoredAsTheirUtf8Bytes(string name)
    {
        var utf8 = Encoding.UTF8.GetBytes(name);
        var key = new byte[IndexKeys.MaxKeySize];

        var mailboxSize = IndexKeys.Mailbox(key, name);
        Assert.Equal(utf8, key[1..mailboxSize]);

        var entrySize = IndexKeys.Entry(key, name, 5);
        Assert.Equal(utf8, key[9..entrySize]);
        Assert.Equal(name, Encoding.UTF8.GetString(key, 9, entrySize - 9));
    }

    [Fact]
    public void ANameOfExactlyMaxNameBytesFitsAndMakesTheLongestKey()
    {
        var key = new byte[IndexKeys.MaxKeySize];
        Assert.Equal(IndexKeys.MaxKeySize, IndexKeys.Entry(key, new string('a', IndexKeys.MaxNameBytes), long.MaxValue));
        // Two bytes a character: the limit counts UTF-8 bytes, not characters.
        Assert.Equal(IndexKeys.MaxKeySize, IndexKeys.Entry(key, new string('é', IndexKeys.MaxNameBytes / 2), 0));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", IndexKeys.MaxNameBytes + 1)]
    [InlineData("é", (IndexKeys.MaxNameBytes / 2) + 1)] // 514 bytes in 257 characters
    public void AnEmptyOrOverlongNameIsRejected(string unit, int repeat)
    {
        var name = string.Concat(Enumerable.Repeat(unit, repeat));
        var key = new byte[IndexKeys.MaxKeySize + 16];

        Assert.ThrowsAny<ArgumentException>(() => IndexKeys.Mailbox(key, name));
        Assert.ThrowsAny<ArgumentException>(() => IndexKeys.Entry(key, name, 0));
    }

    [Fact]
    public void ANameWithALoneSurrogateIsRejected()
    {
        // Built at run time: an attribute argument cannot carry a lone surrogate. It has no UTF-8 form, and a name
        // written with a replacement character would be another mailbox's.
        var name = "user" + (char)0xD800;
        var key = new byte[IndexKeys.MaxKeySize];

        Assert.ThrowsAny<ArgumentException>(() => IndexKeys.Mailbox(key, name));
        Assert.ThrowsAny<ArgumentException>(() => IndexKeys.Entry(key, name, 0));
    }

    // ---- MailboxEntry ----

    [Fact]
    public void AMailboxEntryRoundTripsAsIdThenLength()
    {
        var entry = new MailboxEntry(Id: 1L << 40, Length: (4L << 30) + 7);
        var value = new byte[MailboxEntry.Size];
        entry.Write(value);

        Assert.Equal(16, MailboxEntry.Size);
        Assert.Equal(entry.Id, BinaryPrimitives.ReadInt64LittleEndian(value));
        Assert.Equal(entry.Length, BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(8)));
        Assert.Equal(entry, MailboxEntry.Read(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MailboxEntry.Size - 1)]
    [InlineData(MailboxEntry.Size + 1)]
    public void AMailboxEntryOfTheWrongLengthIsRejected(int length)
    {
        Assert.Throws<InvalidDataException>(() => MailboxEntry.Read(new byte[length]));
    }

    // ---- MailboxRecord and IndexTotals ----

    [Fact]
    public void MailboxRecordRoundTrips()
    {
        var record = new MailboxRecord(FirstSequence: 3, NextSequence: 1L << 40, Count: 123_456, Bytes: long.MaxValue - 1);
        var value = new byte[MailboxRecord.Size];
        record.Write(value);

        Assert.Equal(32, MailboxRecord.Size);
        Assert.Equal(record, MailboxRecord.Read(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MailboxRecord.Size - 1)]
    [InlineData(MailboxRecord.Size + 1)]
    public void AMailboxRecordOfTheWrongLengthIsRejected(int length)
    {
        Assert.Throws<InvalidDataException>(() => MailboxRecord.Read(new byte[length]));
    }

    [Fact]
    public void IndexTotalsRoundTrip()
    {
        var totals = new IndexTotals(Listings: 5_000_000_000, Mailboxes: 70_000, LiveMessages: 4_000_000_000, LiveBytes: 1L << 50);
        var value = new byte[IndexTotals.Size];
        totals.Write(value);

        Assert.Equal(32, IndexTotals.Size);
        Assert.Equal(totals, IndexTotals.Read(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(IndexTotals.Size - 1)]
    [InlineData(IndexTotals.Size + 8)]
    public void IndexTotalsOfTheWrongLengthAreRejected(int length)
    {
        Assert.Throws<InvalidDataException>(() => IndexTotals.Read(new byte[length]));
    }

    // ---- MessageRecord ----

    [Fact]
    public void AnInlineMessageRecordRoundTripsWithItsListings()
    {
        var message = new StoredMessage(4096, 1234, -0x1234_5678_9ABC_DEF0, new BodyLocation(8192, 20, null, 0));

        var (read, listings) = RoundTrip(message, SeveralListings);

        AssertSameMessage(message, read);
        Assert.Null(read.Location.ChunkAddresses);
        Assert.Equal(SeveralListings, listings);
    }

    [Fact]
    public void AChunkedMessageRecordRoundTripsWithItsListings()
    {
        long[] chunks = [1L << 20, (1L << 20) + 65_600, 1L << 36, long.MaxValue - 7];
        var message = new StoredMessage(1L << 35, 4L << 30, 0x7FFF_0000_FFFF_0001, new BodyLocation((1L << 36) + 4096, 0, chunks, 65_536));

        var (read, listings) = RoundTrip(message, SeveralListings);

        AssertSameMessage(message, read);
        Assert.Equal(chunks, read.Location.ChunkAddresses);
        Assert.Equal(SeveralListings, listings);
    }

    [Fact]
    public void NoChunksIsNotTheSameAsInline()
    {
        // The chunk count is -1 for an inline body, so an empty chunk list reads back empty, not null.
        var message = new StoredMessage(64, 0, 1, new BodyLocation(64, 0, [], 4096));

        var (read, listings) = RoundTrip(message, [new Listing("alice", 0)]);

        Assert.NotNull(read.Location.ChunkAddresses);
        Assert.Empty(read.Location.ChunkAddresses!);
        Assert.Equal(4096, read.Location.ChunkLength);
        Assert.Equal([new Listing("alice", 0)], listings);
    }

    [Fact]
    public void AMessageRecordWithNoListingsRoundTrips()
    {
        var message = new StoredMessage(128, 10, 2, new BodyLocation(128, 20, null, 0));

        var (read, listings) = RoundTrip(message, []);

        AssertSameMessage(message, read);
        Assert.Empty(listings);
    }

    [Fact]
    public void ReadingWithoutAListingsListSkipsThemAndReadsTheMessage()
    {
        long[] chunks = [100, 200, 300];
        var message = new StoredMessage(900, 150_000, 42, new BodyLocation(1000, 0, chunks, 65_536));
        var value = Write(message, SeveralListings);

        var read = MessageRecord.Read(value, 900, listings: null);

        AssertSameMessage(message, read);
        Assert.Equal(chunks, read.Location.ChunkAddresses);
    }

    [Fact]
    public void ReadingAppendsToTheGivenListingsList()
    {
        // MailIndex reuses one list; Read adds to it and leaves clearing to the caller.
        var message = new StoredMessage(64, 1, 1, new BodyLocation(64, 20, null, 0));
        var listings = new List<Listing> { new("earlier", 9) };

        MessageRecord.Read(Write(message, [new Listing("alice", 1)]), 64, listings);

        Assert.Equal([new Listing("earlier", 9), new Listing("alice", 1)], listings);
    }

    [Fact]
    public void EveryTruncationOfAMessageRecordIsRejected()
    {
        var message = new StoredMessage(4096, 1234, 5, new BodyLocation(8192, 0, [10, 20], 65_536));
        var value = Write(message, SeveralListings);

        for (var length = 0; length < value.Length; length++)
        {
            var truncated = value[..length];
            var exception = Assert.Throws<InvalidDataException>(() => MessageRecord.Read(truncated, 4096, []));
            Assert.Contains("4096", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ATruncatedHeaderIsRejectedAlsoWithoutAListingsList()
    {
        var value = Write(new StoredMessage(64, 1, 1, new BodyLocation(64, 0, [10, 20], 4096)), []);

        Assert.Throws<InvalidDataException>(() => MessageRecord.Read(value.AsSpan(0, 20), 64, null));
        Assert.Throws<InvalidDataException>(() => MessageRecord.Read(value.AsSpan(0, value.Length - 1), 64, null)); // into the chunk addresses
    }

    private static (StoredMessage Message, List<Listing> Listings) RoundTrip(StoredMessage message, Listing[] listings)
    {
        var value = Write(message, listings);
        var read = new List<Listing>();
        return (MessageRecord.Read(value, message.Id, read), read);
    }

    private static byte[] Write(StoredMessage message, Listing[] listings)
    {
        var size = MessageRecord.Size(message, listings);
        // Written into a larger buffer: Write must report exactly the size Size promised.
        var value = new byte[size + 32];
        Assert.Equal(size, MessageRecord.Write(value, message, listings));
        return value[..size];
    }

    private static void AssertSameMessage(StoredMessage expected, StoredMessage actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Location.RecordAddress, actual.Location.RecordAddress);
        Assert.Equal(expected.Location.InlineBodyOffset, actual.Location.InlineBodyOffset);
        Assert.Equal(expected.Location.ChunkLength, actual.Location.ChunkLength);
        Assert.Equal(expected.Location.ChunkAddresses, actual.Location.ChunkAddresses);
    }
}
