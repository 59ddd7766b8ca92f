using FastMail.Tests.TestKit;
namespace FastMail.Tests.Storage;

public sealed class FasterMailStoreLargeMessageTests
{
    [Theory]
    [InlineData(16 * 1024)]
    [InlineData((16 * 1024) + 1)]
    [InlineData(3 * 16 * 1024)]
    [InlineData(200_001)]
    [InlineData(3_000_000)]
    public async Task MessagesAroundTheChunkSizeRoundTripAcrossReopen(int length)
    {
        await using var store = new TempStore();
        var content = FasterMailStoreDurabilityTests.RandomBytes(length, seed: length);
        var id = await store.DeliverAsync(content, "alice");

        Assert.Equal(content, Assert.Single(await store.ReadAllAsync("alice")).Content);
        await store.ReopenAsync();
        var message = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal(id, message.Id);
        Assert.Equal(content, message.Content);
    }

    [Fact]
    public async Task TenMegabyteMessageLargerThanAPageRoundTripsThroughChunksAndReopen()
    {
        // Default 4 MB pages and 256 KiB chunks: the body cannot be one log entry.
        await using var store = new TempStore(o =>
        {
            o.PageSizeBits = 22;
            o.MemorySizeBits = 24;
            o.SegmentSizeBits = 24;
            o.ChunkSize = 256 * 1024;
        });
        var content = FasterMailStoreDurabilityTests.RandomBytes(10 * 1024 * 1024, seed: 10);
        using (var writer = store.Store.BeginMessage())
        {
            // Arrives in uneven pieces, as DATA does.
            for (var offset = 0; offset < content.Length; offset += 65_537)
            {
                writer.Write(content.AsSpan(offset, Math.Min(65_537, content.Length - offset)));
            }

            Assert.Equal(content.Length, writer.Length);
            await writer.CommitAsync(["alice", "bob"], CancellationToken.None);
        }

        await store.ReopenAsync();

        Assert.Equal(content, Assert.Single(await store.ReadAllAsync("alice", bufferSize: 100_000)).Content);
        Assert.Equal(content, Assert.Single(await store.ReadAllAsync("bob", bufferSize: 1_000_000)).Content);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(16 * 1024)]
    [InlineData(40_000)]
    public async Task SmallDestinationBuffersReadAcrossChunkBoundaries(int bufferSize)
    {
        await using var store = new TempStore();
        var content = FasterMailStoreDurabilityTests.RandomBytes(50_000, seed: bufferSize);
        await store.DeliverAsync(content, "alice");

        Assert.Equal(content, Assert.Single(await store.ReadAllAsync("alice", bufferSize)).Content);
    }

    [Fact]
    public async Task ReadAtAnyOffsetReturnsTheBytesThere()
    {
        await using var store = new TempStore();
        var content = FasterMailStoreDurabilityTests.RandomBytes(40_000, seed: 5);
        await store.DeliverAsync(content, "alice");
        await using var session = await store.OpenAsync("alice");
        var buffer = new byte[100];

        foreach (var offset in new long[] { 0, 16_383, 16_384, 32_767, 39_950, 39_999 })
        {
            var read = await session.ReadAsync(0, offset, buffer, CancellationToken.None);
            Assert.Equal((int)Math.Min(100, content.Length - offset), read);
            Assert.Equal(content.AsSpan((int)offset, read).ToArray(), buffer.AsSpan(0, read).ToArray());
        }

        Assert.Equal(0, await session.ReadAsync(0, content.Length, buffer, CancellationToken.None));
    }
}
