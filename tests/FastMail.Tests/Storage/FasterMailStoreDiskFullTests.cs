using FastMail.Core.Storage;
using FastMail.Storage;
using FastMail.Storage.Log;
using Microsoft.Extensions.Logging.Abstractions;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

/// <summary>
/// Disk full, for real: the store's data directory on an 8 MB tmpfs, filled until commits fail. New mail is
/// refused with <see cref="StorageFullException"/>, nothing acknowledged is damaged, and once space returns mail is accepted again without a restart.
/// </summary>
public sealed class FasterMailStoreDiskFullTests
{
    private const long Reserve = 1L << 20;

    [Fact]
    public async Task AFullDiskRefusesNewMailKeepsStoredMailIntactAndRecoversWhenSpaceReturns()
    {
        using var disk = new TmpfsMount(8L << 20);
        var filler = Path.Combine(disk.Directory, "filler");
        var options = SmallDiskOptions(disk.Directory, minFreeBytes: Reserve);

        // Most of the disk goes to a filler file, so a few megabytes of mail fill the rest.
        await File.WriteAllBytesAsync(filler, new byte[4L << 20]);
        var acknowledged = new List<(long Id, byte[] Body)>();
        var store = FasterMailStore.Open(options, NullLogger.Instance);
        try
        {
            var refused = await DeliverUntilRefusedAsync(store, acknowledged);

            Assert.NotNull(refused);
            Assert.True(refused is StorageFullException, $"free {TmpfsMount.FreeBytes(disk.Directory)}, files: {string.Join(", ", Directory.EnumerateFiles(disk.Directory, "*", SearchOption.AllDirectories).Select(f => f + "=" + new FileInfo(f).Length))}, acked {acknowledged.Count}: {refused}");
            Assert.NotEmpty(acknowledged);
            Assert.True(TmpfsMount.FreeBytes(disk.Directory) < Reserve + (64 << 10), "the disk is really (almost) full");

            // Refused again while full, at the start of a message too; the store is not poisoned, just full.
            Assert.Throws<StorageFullException>(() => store.BeginMessage());
            await AssertStoredAsync(store, acknowledged);

            // POP3 still works on a full disk: deleting gives the mailbox's bytes back.
            await using (var session = await store.TryOpenMailboxAsync("alice", CancellationToken.None))
            {
                await session!.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
            }

            acknowledged.RemoveAt(0);

            // Space returns: mail is accepted again at once, by the same store.
            File.Delete(filler);
            var after = FasterMailStoreDurabilityTests.RandomBytes(30_000, seed: 999);
            using (var writer = store.BeginMessage())
            {
                writer.Write(after);
                acknowledged.Add((await writer.CommitAsync(["alice"], CancellationToken.None), after));
            }

            await AssertStoredAsync(store, acknowledged);
            Assert.Equal(acknowledged.Sum(m => (long)m.Body.Length), store.GetMailboxUsage("alice"));
        }
        finally
        {
            await store.DisposeAsync();
        }

        // And after a restart everything acknowledged is there, byte for byte.
        await using var reopened = FasterMailStore.Open(options, NullLogger.Instance);
        await AssertStoredAsync(reopened, acknowledged);
    }

    [Fact]
    public async Task WithoutAReserveTheSegmentReservationKeepsTheLogWorkingAndTheSameStoreAcceptsMailWhenSpaceReturns()
    {
        // No free-space reserve: the disk really fills up. The log's segments are reserved on disk ahead of its tail,
        // so FASTER's own writes never meet ENOSPC (which would poison the log until a restart); the append that would
        // pass the reserved space is refused instead, and the same store goes on once space returns.
        using var disk = new TmpfsMount(8L << 20);
        var filler = Path.Combine(disk.Directory, "filler");
        var options = SmallDiskOptions(disk.Directory, minFreeBytes: 0);
        await File.WriteAllBytesAsync(filler, new byte[5L << 20]);
        var acknowledged = new List<(long Id, byte[] Body)>();
        await using (var store = FasterMailStore.Open(options, NullLogger.Instance))
        {
            var refused = await DeliverUntilRefusedAsync(store, acknowledged);

            Assert.NotNull(refused);
            Assert.True(refused is StorageFullException, refused.ToString());
            Assert.NotEmpty(acknowledged);
            await AssertStoredAsync(store, acknowledged);

            // Deleting still works on the full disk (a delete record fits in the reserved space).
            await using (var session = await store.TryOpenMailboxAsync("alice", CancellationToken.None))
            {
                await session!.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
            }

            acknowledged.RemoveAt(0);

            // Space returns: the next append reserves the space it needs at once, and the same store takes mail again.
            File.Delete(filler);
            var after = FasterMailStoreDurabilityTests.RandomBytes(30_000, seed: 999);
            long? id;
            using (var writer = store.BeginMessage())
            {
                writer.Write(after);
                id = await writer.CommitAsync(["alice"], CancellationToken.None);
            }

            acknowledged.Add((id.Value, after));
            await AssertStoredAsync(store, acknowledged);
        }

        await using var reopened = FasterMailStore.Open(options, NullLogger.Instance);
        await AssertStoredAsync(reopened, acknowledged);
    }

    [Fact]
    public async Task AnIndexCheckpointWithoutRoomOnTheDiskIsSkippedAndTheStoreStillClosesAndReopensWhole()
    {
        // FASTER never completes a checkpoint whose write failed, and closing would wait for it forever: a checkpoint
        // that would not fit is skipped instead (the next start replays more of the mail log).
        using var disk = new TmpfsMount(16L << 20);
        var logger = new RecordingLogger();
        var options = SmallDiskOptions(disk.Directory, minFreeBytes: 0);
        options.IndexMemory = 16L << 20; // a 4 MB hash table: a full checkpoint needs more than the disk will have left
        var acknowledged = new List<(long Id, byte[] Body)>();
        var store = FasterMailStore.Open(options, logger);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var body = FasterMailStoreDurabilityTests.RandomBytes(5_000, seed: i);
                using var writer = store.BeginMessage();
                writer.Write(body);
                acknowledged.Add((await writer.CommitAsync(["alice"], CancellationToken.None), body));
            }

            await File.WriteAllBytesAsync(Path.Combine(disk.Directory, "filler"), new byte[TmpfsMount.FreeBytes(disk.Directory) - (2L << 20)]);
            Assert.True(TmpfsMount.FreeBytes(disk.Directory) < 3L << 20, "the disk is really (almost) full");

            await store.Maintenance.CheckpointAsync(CancellationToken.None, full: true).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(logger.Has(4021), "the checkpoint was not reported as skipped");
            await AssertStoredAsync(store, acknowledged);
        }
        finally
        {
            await store.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }

        File.Delete(Path.Combine(disk.Directory, "filler"));
        await using var reopened = FasterMailStore.Open(options, NullLogger.Instance);
        await AssertStoredAsync(reopened, acknowledged);
    }

    // Small pages and segments, so that a few megabytes of mail fill the disk; no background maintenance.
    private static StorageOptions SmallDiskOptions(string directory, long minFreeBytes) => new()
    {
        DataDirectory = directory,
        PageSizeBits = 16,
        MemorySizeBits = 18,
        SegmentSizeBits = 20,
        ChunkSize = 16 * 1024,
        IndexMemory = 1 << 20,
        MaintenancePeriod = TimeSpan.Zero,
        MinFreeBytes = minFreeBytes,
    };

    /// <summary>Delivers 9 KB and 40 KB messages to alice until one is refused; returns the refusal (null if none was).</summary>
    private static async Task<IOException?> DeliverUntilRefusedAsync(FasterMailStore store, List<(long Id, byte[] Body)> acknowledged)
    {
        for (var i = 0; i < 500; i++)
        {
            var body = FasterMailStoreDurabilityTests.RandomBytes(i % 3 == 0 ? 40_000 : 9_000, seed: i);
            try
            {
                using var writer = store.BeginMessage();
                writer.Write(body);
                acknowledged.Add((await writer.CommitAsync(["alice"], CancellationToken.None), body));
            }
            catch (IOException e)
            {
                return e;
            }
        }

        return null;
    }

    private static async Task AssertStoredAsync(FasterMailStore store, List<(long Id, byte[] Body)> expected)
    {
        await using var session = await store.TryOpenMailboxAsync("alice", CancellationToken.None);
        Assert.NotNull(session);
        Assert.Equal(expected.Count, session.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Id, session.GetId(i));
            Assert.Equal(expected[i].Body, await TempStore.ReadMessageAsync(session, i, 8192));
        }
    }
}
