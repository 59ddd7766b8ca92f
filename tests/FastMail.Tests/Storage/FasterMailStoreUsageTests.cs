namespace FastMail.Tests.Storage;

/// <summary>The store keeps each mailbox's used bytes (committed messages only) across every way the index changes.</summary>
public sealed class FasterMailStoreUsageTests
{
    [Fact]
    public async Task UsageIsTheSumOfCommittedMessageSizesPerMailbox()
    {
        await using var store = new TempStore(o => o.MaintenancePeriod = TimeSpan.Zero);
        Assert.Equal(0, store.Store.GetMailboxUsage("alice"));

        await store.DeliverAsync(new string('a', 100), "alice");
        await store.DeliverAsync(new string('b', 250), "alice", "bob");
        await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(70_000, seed: 5), "bob");

        Assert.Equal(350, store.Store.GetMailboxUsage("alice"));
        Assert.Equal(70_250, store.Store.GetMailboxUsage("bob"));
        Assert.Equal(0, store.Store.GetMailboxUsage("carol"));
    }

    [Fact]
    public async Task AnUncommittedOrAbortedMessageUsesNothing()
    {
        await using var store = new TempStore(o => o.MaintenancePeriod = TimeSpan.Zero);
        using (var writer = store.Store.BeginMessage())
        {
            writer.Write(FasterMailStoreDurabilityTests.RandomBytes(50_000, seed: 1));
            Assert.Equal(0, store.Store.GetMailboxUsage("alice"));
        }

        Assert.Equal(0, store.Store.GetMailboxUsage("alice"));
    }

    [Fact]
    public async Task CommittedDeletesGiveTheSpaceBackToThatMailboxOnly()
    {
        await using var store = new TempStore(o => o.MaintenancePeriod = TimeSpan.Zero);
        await store.DeliverAsync(new string('a', 100), "alice", "bob");
        await store.DeliverAsync(new string('b', 30), "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            await session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
        }

        Assert.Equal(30, store.Store.GetMailboxUsage("alice"));
        Assert.Equal(100, store.Store.GetMailboxUsage("bob"));

        // A session disposed without committing its deletes changes nothing.
        await using (await store.OpenAsync("bob"))
        {
        }

        Assert.Equal(100, store.Store.GetMailboxUsage("bob"));
    }

    [Fact]
    public async Task UsageIsTheSameAfterAReopenFromTheCheckpointAndAfterAFullReplay()
    {
        await using var store = new TempStore(o => o.MaintenancePeriod = TimeSpan.Zero);
        await store.DeliverAsync(new string('a', 100), "alice", "bob");
        await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(40_000, seed: 2), "alice");
        await store.Store.Maintenance.CheckpointAsync(CancellationToken.None);

        // After the checkpoint: more mail and a delete, which only replay brings back.
        await store.DeliverAsync(new string('c', 7), "bob");
        await using (var session = await store.OpenAsync("alice"))
        {
            await session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
        }

        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            Assert.Equal(40_000, recovered.GetMailboxUsage("alice"));
            Assert.Equal(107, recovered.GetMailboxUsage("bob"));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }

        // Without any checkpoint the whole log is replayed: same answer.
        await store.Store.DisposeAsync();
        Directory.Delete(Path.Combine(store.Directory, "mail", "kv"), recursive: true);
        await store.ReopenAsync();
        Assert.Equal(40_000, store.Store.GetMailboxUsage("alice"));
        Assert.Equal(107, store.Store.GetMailboxUsage("bob"));
    }

    [Fact]
    public async Task CompactionMovesMessagesWithoutChangingUsage()
    {
        await using var store = new TempStore(o => o.MaintenancePeriod = TimeSpan.Zero);
        for (var i = 0; i < 40; i++)
        {
            await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(30_000, seed: i), i % 2 == 0 ? "alice" : "bob");
        }

        await using (var session = await store.OpenAsync("bob"))
        {
            await session.CommitDeletesAsync(Enumerable.Range(0, session.Count).ToArray(), CancellationToken.None);
        }

        await store.Store.Maintenance.CompactAsync(CancellationToken.None);
        Assert.Equal(20 * 30_000, store.Store.GetMailboxUsage("alice"));
        Assert.Equal(0, store.Store.GetMailboxUsage("bob"));
        await store.ReopenAsync();
        Assert.Equal(20 * 30_000, store.Store.GetMailboxUsage("alice"));
        Assert.Equal(0, store.Store.GetMailboxUsage("bob"));
    }
}
