using System.Text;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

/// <summary>
/// The log's tail damaged after the store stopped: truncated mid-entry (a torn write) or with flipped bytes. Recovery must
/// come back with a prefix of the committed mail, byte-exact, report what it dropped, and keep working.
/// </summary>
public sealed class FasterMailStoreTornTailTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(40)]
    [InlineData(200)]
    [InlineData(900)]
    public async Task TruncatingTheLastSegmentInsideTheLastEntryRecoversTheMessagesBeforeIt(int keepBytesOfLastEntry)
    {
        await RunAsync((file, lastEntryOffset) =>
        {
            using var stream = new FileStream(file, FileMode.Open);
            stream.SetLength(lastEntryOffset + keepBytesOfLastEntry);
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(30)]
    [InlineData(500)]
    public async Task FlippedBytesInTheLastEntryAreDetectedAndTheMessagesBeforeItRecovered(int offsetInLastEntry)
    {
        await RunAsync((file, lastEntryOffset) =>
        {
            using var stream = new FileStream(file, FileMode.Open);
            stream.Position = lastEntryOffset + offsetInLastEntry;
            var value = stream.ReadByte();
            stream.Position = lastEntryOffset + offsetInLastEntry;
            stream.WriteByte((byte)(value ^ 0x5A));
        });
    }

    [Fact]
    public async Task TruncatingTheLastSegmentToZeroBytesLosesOnlyWhatWasInIt()
    {
        await RunAsync((file, _) => File.WriteAllBytes(file, []), expectSomeLoss: false);
    }

    [Fact]
    public async Task DamageInsideTheLogCostsOnlyItsPageAndLaterMailStaysReachable()
    {
        // Pages are 64 KiB here; a record damaged in an early page must not hide the pages after it.
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        var delivered = new List<(long Id, byte[] Content)>();
        for (var i = 0; i < 400; i++)
        {
            var content = FasterMailStoreDurabilityTests.RandomBytes(900, seed: i);
            delivered.Add((await store.DeliverAsync(content, "alice"), content));
        }

        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            var victim = delivered[40].Id;
            var pageBits = store.Options.PageSizeBits;
            var segmentBits = store.Options.SegmentSizeBits;
            using (var stream = new FileStream(Path.Combine(copy, "mail", "mail.log." + (victim >> segmentBits)), FileMode.Open))
            {
                stream.Position = (victim & ((1L << segmentBits) - 1)) + 100;
                var value = stream.ReadByte();
                stream.Position--;
                stream.WriteByte((byte)(value ^ 0x01));
            }

            var logger = new RecordingLogger();
            await using var recovered = store.OpenCopy(copy, logger);
            var contents = await TempStore.ContentsAsync(recovered, ["alice"]);

            Assert.True(logger.Has(4012));
            Assert.DoesNotContain("alice/" + victim, contents.Keys);
            foreach (var (id, content) in delivered)
            {
                if (contents.TryGetValue("alice/" + id, out var found))
                {
                    Assert.Equal(content, found);
                }
                else
                {
                    // Only the damaged record's page may be missing.
                    Assert.Equal(victim >> pageBits, id >> pageBits);
                }
            }

            Assert.Contains("alice/" + delivered[^1].Id, contents.Keys);
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    [Fact]
    public async Task IntactRecordOfANewerFormatRefusesToOpenInsteadOfBeingSkipped()
    {
        var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await store.DeliverAsync("kept\r\n", "alice");
        // Version 4: this build writes versions 1 to 3 (plain, with envelopes, queue state).
        var address = store.Store.Log.Append(new RawRecord([4, 3, 0, 0]));
        await store.Store.Log.WaitForCommitAsync(address);
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            var error = Assert.Throws<NotSupportedException>(() => store.OpenCopy(copy));
            Assert.Contains("format version 4", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
            await store.DisposeAsync();
        }
    }

    /// <summary>
    /// Delivers mail (the last message alone in its own entry, 1000 bytes), copies the files as a crash would leave them,
    /// damages the copy's last entry, reopens it and checks what came back; then delivers more and reopens again.
    /// </summary>
    private static async Task RunAsync(Action<string, long> damage, bool expectSomeLoss = true)
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        var delivered = new List<(long Id, byte[] Content)>();
        for (var i = 0; i < 30; i++)
        {
            var content = Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\n{new string('x', 1000 - 20)}\r\n");
            delivered.Add((await store.DeliverAsync(content, "alice"), content));
        }

        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            var segmentBits = store.Options.SegmentSizeBits;
            var lastId = delivered[^1].Id;
            var segment = Path.Combine(copy, "mail", "mail.log." + (lastId >> segmentBits));
            damage(segment, lastId & ((1L << segmentBits) - 1));

            // No checkpoint may paper over the damage: the test is about the log.
            var logger = new RecordingLogger();
            await using (var recovered = store.OpenCopy(copy, logger))
            {
                var contents = await TempStore.ContentsAsync(recovered, ["alice"]);
                var survivors = delivered.Take(contents.Count).ToList();
                Assert.Equal(survivors.Select(m => "alice/" + m.Id).Order(StringComparer.Ordinal), contents.Keys);
                foreach (var (id, content) in survivors)
                {
                    Assert.Equal(content, contents["alice/" + id]);
                }

                if (expectSomeLoss)
                {
                    Assert.True(contents.Count < delivered.Count, "the damaged message was served");
                    Assert.True(logger.Has(4011) || logger.Has(4012) || logger.Has(4013), "recovery did not report what it dropped");
                }

                // The store keeps working past the damage, and what it accepts now survives a restart.
                using var writer = recovered.BeginMessage();
                writer.Write("after the damage\r\n"u8);
                var id2 = await writer.CommitAsync(["alice"], CancellationToken.None);
                Assert.True(id2 > survivors.LastOrDefault().Id);
            }

            await using (var again = store.OpenCopy(copy))
            {
                var contents = await TempStore.ContentsAsync(again, ["alice"]);
                Assert.Contains(contents.Values, v => Encoding.ASCII.GetString(v) == "after the damage\r\n");
            }
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    private readonly struct RawRecord(byte[] bytes) : FASTER.core.ILogEnqueueEntry
    {
        public int SerializedLength => bytes.Length;

        public void SerializeTo(Span<byte> dest) => bytes.CopyTo(dest);
    }
}
