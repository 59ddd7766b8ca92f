using System.Text;
using FastMail.Storage;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

public sealed class FasterMailStoreCheckpointTests
{
    private static readonly string[] Mailboxes = ["alice", "bob", "carol"];

    [Fact]
    public async Task CleanCloseWritesACheckpointAndTheNextOpenStartsFromIt()
    {
        var logger = new RecordingLogger();
        await using var store = new TempStore(NoBackground, logger);
        await FillAsync(store, 30);
        var before = await TempStore.ContentsAsync(store.Store, Mailboxes);

        await store.ReopenAsync();

        Assert.Single(StorageFiles.LogCheckpoints(store.Directory));
        Assert.Contains(logger.Entries, e => e.EventId == 4007 && e.Message.Contains("replayed 0 log records", StringComparison.Ordinal));
        Assert.False(logger.Has(4008));

        // Neither the first start on an empty directory nor a clean restart reports damage.
        Assert.DoesNotContain(logger.Entries, e => e.EventId is 4011 or 4012 or 4013);
        Assert.Equal(before, await TempStore.ContentsAsync(store.Store, Mailboxes));
    }

    [Fact]
    public async Task CrashAfterACheckpointReplaysOnlyTheLogAfterItAndLosesNothing()
    {
        await using var store = new TempStore(NoBackground);
        await FillAsync(store, 20);
        await store.Store.Maintenance.CheckpointAsync(CancellationToken.None);

        // After the checkpoint: more mail, a delete of mail the checkpoint lists, a message larger than a chunk.
        await FillAsync(store, 10);
        await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(70_000, seed: 3), "alice", "bob");
        await using (var session = await store.OpenAsync("bob"))
        {
            await session.CommitDeletesAsync(new[] { 0, 2, session.Count - 2 }, CancellationToken.None);
        }

        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            var logger = new RecordingLogger();
            await using var recovered = store.OpenCopy(copy, logger);

            Assert.Equal(expected, await TempStore.ContentsAsync(recovered, Mailboxes));
            var line = Assert.Single(logger.Entries, e => e.EventId == 4007);
            Assert.DoesNotContain("replayed 0 ", line.Message, StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    [Fact]
    public async Task OnlyTheNewestCheckpointsAreKept()
    {
        await using var store = new TempStore(NoBackground);
        for (var i = 0; i < 4; i++)
        {
            await store.DeliverAsync($"message {i}\r\n", "alice");
            await store.Store.Maintenance.CheckpointAsync(CancellationToken.None, full: i % 2 == 0);
        }

        // FASTER keeps the newest log checkpoint and the two newest hash-table checkpoints (and may purge a step late).
        Assert.InRange(StorageFiles.LogCheckpoints(store.Directory).Length, 1, 2);
        Assert.InRange(StorageFiles.IndexCheckpoints(store.Directory).Length, 1, 2);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    [InlineData("delete")]
    public async Task DamagedCheckpointRebuildsTheIndexFromTheLogAndSaysSo(string damage)
    {
        await using var store = new TempStore(NoBackground);
        await FillAsync(store, 10);
        await store.Store.Maintenance.CheckpointAsync(CancellationToken.None);
        await FillAsync(store, 10);
        await store.Store.Maintenance.CheckpointAsync(CancellationToken.None);
        await FillAsync(store, 5);
        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            var metadata = Path.Combine(Assert.Single(StorageFiles.LogCheckpoints(copy)), "info.dat.0");
            Assert.True(File.Exists(metadata), metadata);
            DamageMetadata(metadata, damage);
            var logger = new RecordingLogger();
            await using var recovered = store.OpenCopy(copy, logger);

            Assert.Equal(expected, await TempStore.ContentsAsync(recovered, Mailboxes));
            Assert.True(logger.Has(4005) || logger.Has(4008), "neither an unrecoverable index nor a full replay was reported");
            Assert.False(logger.Has(4007));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    [Fact]
    public async Task BackgroundTaskCheckpointsAfterTheConfiguredLogGrowth()
    {
        var logger = new RecordingLogger();
        await using var store = new TempStore(o =>
        {
            o.MaintenancePeriod = TimeSpan.FromMilliseconds(20);
            o.CheckpointIntervalBytes = 4096;
        }, logger);

        await FillAsync(store, 20);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!logger.Has(4004) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(logger.Has(4004), "no background checkpoint was written");
    }

    [Fact]
    public async Task CheckpointCoversTheLogOnlyUpToTheFirstRecordNotYetApplied()
    {
        // A record appended (and even committed) but not yet applied to the index must be replayed after a checkpoint.
        await using var store = new TempStore(NoBackground);
        await FillAsync(store, 3);
        var pending = store.Store.Index.Pending.AppendAndRegister(store.Store.Log, new FastMail.Storage.Log.DeleteRecord("nobody", [1]));
        await store.Store.Log.WaitForCommitAsync(pending);
        await FillAsync(store, 3);

        Assert.Equal(pending, await store.Store.Index.CheckpointAsync(store.Store.Log.CommittedUntilAddress, full: false));
        store.Store.Index.Pending.Release(pending);
        Assert.Equal(store.Store.Log.CommittedUntilAddress, await store.Store.Index.CheckpointAsync(store.Store.Log.CommittedUntilAddress, full: false));
    }

    [Fact]
    public async Task CheckpointsTakenWhileMailIsDeliveredAndDeletedLoseNothing()
    {
        // Writers and deleters race the checkpointer; every crash image taken afterwards must hold exactly what was
        // acknowledged: a message committed but not yet indexed at snapshot time must come back from the log.
        await using var store = new TempStore(NoBackground);
        using var stop = new CancellationTokenSource();
        var checkpointer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await store.Store.Maintenance.CheckpointAsync(CancellationToken.None);
            }
        });
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var size = i % 7 == 0 ? 40_000 : 300;
                await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(size, seed: (w * 1000) + i), Mailboxes[w % 3], "all");
            }
        })).ToList();
        writers.Add(Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await using var session = await store.Store.TryOpenMailboxAsync("all", CancellationToken.None);
                if (session is { Count: > 3 })
                {
                    await session.CommitDeletesAsync(new[] { 1, session.Count - 1 }, CancellationToken.None);
                }

                await Task.Yield();
            }
        }));
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await checkpointer;

        string[] names = [.. Mailboxes, "all"];
        var expected = await TempStore.ContentsAsync(store.Store, names);
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            var logger = new RecordingLogger();
            await using var recovered = store.OpenCopy(copy, logger);
            Assert.True(logger.Has(4007));
            Assert.Equal(expected, await TempStore.ContentsAsync(recovered, names));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    internal static void NoBackground(StorageOptions options) => options.MaintenancePeriod = TimeSpan.Zero;

    internal static async Task FillAsync(TempStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var body = Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\n" + new string((char)('a' + (i % 26)), 100 + (i * 37 % 3000)) + "\r\n");
            await store.DeliverAsync(body, Mailboxes[i % 3], Mailboxes[(i + 1) % 3]);
        }
    }

    /// <summary>Damages FASTER's checkpoint metadata where it is read first: its header, not the sector padding after it.</summary>
    private static void DamageMetadata(string file, string damage)
    {
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "flip":
                bytes[0] ^= 0x40;
                bytes[4] ^= 0x40;
                File.WriteAllBytes(file, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(file, bytes[..6]);
                break;
            case "delete":
                File.Delete(file);
                break;
            default:
                File.WriteAllBytes(file, []);
                break;
        }
    }
}
