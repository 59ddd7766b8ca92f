using System.Text;
using FastMail.Storage;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

public sealed class FasterMailStoreCompactionTests
{
    private static readonly string[] Mailboxes = ["alice", "bob", "carol"];

    [Fact]
    public async Task DeletingEverythingAndCompactingShrinksTheMailDirectoryToAboutOneSegment()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 400);
        var mail = Path.Combine(store.Directory, "mail");
        var before = StorageFiles.LogSize(mail);
        Assert.True(before > 3 << 20, $"fill too small: {before}");

        await DeleteAllAsync(store);
        Assert.True(store.Store.Maintenance.Compactor.IsWorthwhile(1 << 20, 0.5));
        await store.Store.Maintenance.CompactAsync(CancellationToken.None);

        // Live data is zero; what may remain is the segment holding the new log head (1 MB here) and small files.
        var after = StorageFiles.LogSize(mail);
        Assert.True(after <= (1 << 20) + (64 << 10), $"{before} bytes before, {after} after; begin {store.Store.Log.BeginAddress}: " + string.Join(", ", Directory.GetFiles(mail, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f) + "=" + new FileInfo(f).Length)));
        Assert.False(store.Store.Maintenance.Compactor.IsWorthwhile(1 << 20, 0.5));
        await store.ReopenAsync();
        Assert.Empty(await TempStore.ContentsAsync(store.Store, Mailboxes));
    }

    [Fact]
    public async Task CompactionKeepsLiveMessagesByteForByteWithTheirIdsAcrossRestartsAndFullReplay()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 300);
        await DeleteSomeAsync(store, keepEvery: 5);
        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);
        var mail = Path.Combine(store.Directory, "mail");
        var before = StorageFiles.LogSize(mail);

        var moved = await store.Store.Maintenance.CompactAsync(CancellationToken.None);

        Assert.True(moved > 0);
        Assert.True(store.Store.Log.BeginAddress > 1 << 20);
        Assert.True(StorageFiles.LogSize(mail) < before / 2, $"{before} bytes before, {StorageFiles.LogSize(mail)} after");
        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));
        await store.ReopenAsync();
        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));

        // Without checkpoints the truncated log alone must still say which mailboxes list each moved message.
        await store.Store.DisposeAsync();
        Directory.Delete(Path.Combine(mail, "kv"), recursive: true);
        var logger = new RecordingLogger();
        await using var replayed = store.OpenCopy(store.Directory, logger);
        Assert.True(logger.Has(4008));
        Assert.Equal(expected, await TempStore.ContentsAsync(replayed, Mailboxes));
    }

    [Fact]
    public async Task CompactingTwiceKeepsIdsAndContent()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 200);
        await DeleteSomeAsync(store, keepEvery: 3);
        await store.Store.Maintenance.CompactAsync(CancellationToken.None);
        await FillAsync(store, 100);
        await DeleteSomeAsync(store, keepEvery: 2);
        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);

        await store.Store.Maintenance.CompactAsync(CancellationToken.None);

        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));
        await store.Store.DisposeAsync();
        Directory.Delete(Path.Combine(store.Directory, "mail", "kv"), recursive: true);
        await using var replayed = store.OpenCopy(store.Directory);
        Assert.Equal(expected, await TempStore.ContentsAsync(replayed, Mailboxes));
    }

    [Fact]
    public async Task SessionOpenedBeforeCompactionReadsItsMessagesAfterTheOldCopiesAreGone()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 300);
        await DeleteSomeAsync(store, keepEvery: 4, skip: "alice");
        var expected = await TempStore.ContentsAsync(store.Store, ["alice"]);
        await using var session = await store.OpenAsync("alice");

        await store.Store.Maintenance.CompactAsync(CancellationToken.None);

        Assert.True(store.Store.Log.BeginAddress > session.GetId(0));
        for (var i = 0; i < session.Count; i++)
        {
            Assert.Equal(expected["alice/" + session.GetId(i)], await TempStore.ReadMessageAsync(session, i, 3000));
        }
    }

    [Fact]
    public async Task CrashAtAnyPointOfACompactionNeitherLosesDuplicatesNorResurrectsMail()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 240);
        await DeleteSomeAsync(store, keepEvery: 3);
        var images = new List<(string Copy, SortedDictionary<string, byte[]> Expected)>();
        var compactor = store.Store.Maintenance.Compactor;
        compactor.BatchMessages = 16;
        compactor.AfterBatch = async batch =>
        {
            // Sessions keep working while compaction runs: delete mail (some of it already copied, some not) and deliver more.
            if (batch > 0 && batch % 2 == 0)
            {
                await using (var session = await store.OpenAsync(Mailboxes[batch % 3]))
                {
                    if (session.Count > 2)
                    {
                        await session.CommitDeletesAsync(new[] { 0, session.Count - 1 }, CancellationToken.None);
                    }
                }

                await store.DeliverAsync(Encoding.ASCII.GetBytes($"during batch {batch}\r\n"), "alice", "carol");
            }

            images.Add((StorageFiles.CopyDataDirectory(store.Directory), await TempStore.ContentsAsync(store.Store, Mailboxes)));
        };

        await store.Store.Maintenance.CompactAsync(CancellationToken.None);
        images.Add((StorageFiles.CopyDataDirectory(store.Directory), await TempStore.ContentsAsync(store.Store, Mailboxes)));

        try
        {
            // Crash points: after every batch, between the checkpoint and the truncation, and after the truncation.
            Assert.True(images.Count >= 6, $"only {images.Count} crash points");
            foreach (var (copy, expected) in images)
            {
                await using (var recovered = store.OpenCopy(copy))
                {
                    Assert.Equal(expected, await TempStore.ContentsAsync(recovered, Mailboxes));
                }

                // And once more from the log alone, as if every checkpoint were lost.
                var index = Path.Combine(copy, "mail", "kv");
                if (Directory.Exists(index))
                {
                    Directory.Delete(index, recursive: true);
                }

                await using (var replayed = store.OpenCopy(copy))
                {
                    Assert.Equal(expected, await TempStore.ContentsAsync(replayed, Mailboxes));
                }
            }
        }
        finally
        {
            images.ForEach(i => TempDirectory.DeleteQuietly(i.Copy));
        }
    }

    [Fact]
    public async Task BackgroundCompactionReclaimsTheSpaceOfDeletedMailByItself()
    {
        await using var store = new TempStore(o =>
        {
            o.MaintenancePeriod = TimeSpan.FromMilliseconds(20);
            o.CompactionMinDeadBytes = 256 << 10;
            o.CheckpointIntervalBytes = 1L << 40;
        });
        await FillAsync(store, 300);
        var mail = Path.Combine(store.Directory, "mail");
        var before = StorageFiles.LogSize(mail);
        await DeleteAllAsync(store);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (StorageFiles.LogSize(mail) > (1 << 20) + (64 << 10) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(StorageFiles.LogSize(mail) <= (1 << 20) + (64 << 10), $"{before} bytes before, {StorageFiles.LogSize(mail)} after");
    }

    /// <summary>Inline and chunked messages (chunk size 16 KiB), many in two mailboxes.</summary>
    private static async Task FillAsync(TempStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var length = i % 10 == 0 ? 40_000 + (i * 101) : 2000 + (i * 397 % 9000);
            var body = FasterMailStoreDurabilityTests.RandomBytes(length, seed: i);
            await store.DeliverAsync(body, i % 4 == 0 ? [Mailboxes[i % 3]] : [Mailboxes[i % 3], Mailboxes[(i + 1) % 3]]);
        }
    }

    private static Task DeleteAllAsync(TempStore store) => DeleteSomeAsync(store, keepEvery: int.MaxValue);

    private static async Task DeleteSomeAsync(TempStore store, int keepEvery, string? skip = null)
    {
        foreach (var mailbox in Mailboxes)
        {
            if (mailbox == skip)
            {
                continue;
            }

            await using var session = await store.OpenAsync(mailbox);
            var doomed = Enumerable.Range(0, session.Count).Where(i => i % keepEvery != 0 || keepEvery == int.MaxValue).ToArray();
            await session.CommitDeletesAsync(doomed, CancellationToken.None);
        }
    }
}
