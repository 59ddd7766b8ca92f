using System.Text;
using FastMail.Storage;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

/// <summary>
/// The index's own log (FasterKV in mail/kv) gives back the space of superseded and deleted records: compaction copies
/// what is live to its tail and truncates below, and the mail listed before is listed after, across restarts.
/// </summary>
public sealed class FasterMailStoreIndexCompactionTests
{
    private static readonly string[] Mailboxes = ["alice", "bob", "carol", "dave"];

    [Fact]
    public async Task CompactingTheIndexShrinksItsLogAndKeepsEveryListingAcrossRestarts()
    {
        var logger = new RecordingLogger();
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground, logger);
        await FillAsync(store, 3000);
        await DeleteAllButEveryTenthAsync(store);
        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);
        var before = store.Store.Index.StoreBytes;
        var beginBefore = IndexBegin(store);

        var reclaimed = await store.Store.Maintenance.CompactIndexAsync(CancellationToken.None);

        Assert.True(reclaimed > before / 2, $"{reclaimed} of {before} index log bytes reclaimed");
        Assert.True(IndexBegin(store) > beginBefore, "the index log's begin did not move");
        Assert.True(logger.Has(4020));
        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));

        await store.ReopenAsync();
        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));

        // More mail and deletes after the compaction still work, and survive a crash image.
        await store.DeliverAsync(Encoding.ASCII.GetBytes("after compaction\r\n"), "alice", "dave");
        await using (var session = await store.OpenAsync("bob"))
        {
            await session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
        }

        expected = await TempStore.ContentsAsync(store.Store, Mailboxes);
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            Assert.Equal(expected, await TempStore.ContentsAsync(recovered, Mailboxes));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    [Fact]
    public async Task DeliveriesAndDeletesDuringAnIndexCompactionLoseNothing()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 2000);
        await DeleteAllButEveryTenthAsync(store);

        var compaction = store.Store.Maintenance.CompactIndexAsync(CancellationToken.None);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                await store.DeliverAsync(Encoding.ASCII.GetBytes($"during {w}/{i}\r\n"), Mailboxes[(w + i) % Mailboxes.Length]);
            }
        })).ToList();
        writers.Add(Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await using var session = await store.Store.TryOpenMailboxAsync(Mailboxes[i % Mailboxes.Length], CancellationToken.None);
                if (session is { Count: > 2 })
                {
                    await session.CommitDeletesAsync(new[] { 0, session.Count - 1 }, CancellationToken.None);
                }
            }
        }));
        await Task.WhenAll(writers);
        await compaction;

        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);
        await store.ReopenAsync();
        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));
        await store.Store.DisposeAsync();
        Directory.Delete(Path.Combine(store.Directory, "mail", "kv"), recursive: true);
        await store.ReopenAsync();
        Assert.Equal(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));
    }

    private static long IndexBegin(TempStore store) => store.Store.Index.StoreBegin;

    private static async Task FillAsync(TempStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var body = Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\n" + new string((char)('a' + (i % 26)), 50 + (i % 200)) + "\r\n");
            await store.DeliverAsync(body, i % 5 == 0 ? [Mailboxes[i % 4], Mailboxes[(i + 1) % 4]] : [Mailboxes[i % 4]]);
        }
    }

    private static async Task DeleteAllButEveryTenthAsync(TempStore store)
    {
        foreach (var mailbox in Mailboxes)
        {
            await using var session = await store.OpenAsync(mailbox);
            await session.CommitDeletesAsync(Enumerable.Range(0, session.Count).Where(i => i % 10 != 0).ToArray(), CancellationToken.None);
        }
    }
}
