using System.Text;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

public sealed class FasterMailStoreMailboxTests
{
    [Fact]
    public async Task MultipleRecipientsShareOneCopyAndEachSeesIt()
    {
        await using var store = new TempStore();
        var id = await store.DeliverAsync("to both\r\n", "alice", "bob", "alice");

        foreach (var mailbox in new[] { "alice", "bob" })
        {
            var message = Assert.Single(await store.ReadAllAsync(mailbox));
            Assert.Equal(id, message.Id);
            Assert.Equal("to both\r\n"u8.ToArray(), message.Content);
        }

        await store.ReopenAsync();
        Assert.Equal(id, Assert.Single(await store.ReadAllAsync("alice")).Id);
        Assert.Equal(id, Assert.Single(await store.ReadAllAsync("bob")).Id);
    }

    [Fact]
    public async Task TenRecipientsStoreTheBodyOnce()
    {
        await using var store = new TempStore();
        var body = FasterMailStoreDurabilityTests.RandomBytes(100_000, seed: 9);
        var before = store.Store.Log.TailAddress;

        await store.DeliverAsync(body, Enumerable.Range(0, 10).Select(i => "user" + i).ToArray());

        // Page-end padding costs up to a chunk per page; ten copies would cost ten bodies.
        Assert.InRange(store.Store.Log.TailAddress - before, body.Length, body.Length * 2);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(body, Assert.Single(await store.ReadAllAsync("user" + i)).Content);
        }
    }

    [Fact]
    public async Task DeletingFromOneRecipientLeavesTheOtherCopyListed()
    {
        await using var store = new TempStore();
        var id = await store.DeliverAsync("shared\r\n", "alice", "bob");
        await using (var session = await store.OpenAsync("alice"))
        {
            await session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
        }

        await store.ReopenAsync();

        Assert.Empty(await store.ReadAllAsync("alice"));
        Assert.Equal(id, Assert.Single(await store.ReadAllAsync("bob")).Id);
    }

    [Fact]
    public async Task CommittedDeleteSurvivesReopenAndDoesNotReappear()
    {
        await using var store = new TempStore();
        var first = await store.DeliverAsync("one\r\n", "alice");
        var second = await store.DeliverAsync("two\r\n", "alice");
        var third = await store.DeliverAsync("three\r\n", "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            await session.CommitDeletesAsync(new[] { 0, 2, 0 }, CancellationToken.None);
        }

        Assert.Equal([second], (await store.ReadAllAsync("alice")).Select(m => m.Id));
        await store.ReopenAsync();
        Assert.Equal([second], (await store.ReadAllAsync("alice")).Select(m => m.Id));
        await store.ReopenAsync();
        var remaining = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal("two\r\n"u8.ToArray(), remaining.Content);
        Assert.DoesNotContain(first, new[] { remaining.Id });
        Assert.DoesNotContain(third, new[] { remaining.Id });
    }

    [Fact]
    public async Task SessionDisposedWithoutCommittingDeletesRemovesNothing()
    {
        await using var store = new TempStore();
        var id = await store.DeliverAsync("keep me\r\n", "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            Assert.Equal(1, session.Count);
        }

        Assert.Equal(id, Assert.Single(await store.ReadAllAsync("alice")).Id);
        await store.ReopenAsync();
        Assert.Equal(id, Assert.Single(await store.ReadAllAsync("alice")).Id);
    }

    [Fact]
    public async Task CommitDeletesWithNoIndexesChangesNothing()
    {
        await using var store = new TempStore();
        await store.DeliverAsync("x\r\n", "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            await session.CommitDeletesAsync(ReadOnlyMemory<int>.Empty, CancellationToken.None);
        }

        Assert.Single(await store.ReadAllAsync("alice"));
    }

    [Fact]
    public async Task CommitDeletesRejectsAnIndexOutsideTheSnapshot()
    {
        await using var store = new TempStore();
        await store.DeliverAsync("x\r\n", "alice");
        await using var session = await store.OpenAsync("alice");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await session.CommitDeletesAsync(new[] { 1 }, CancellationToken.None));
    }

    [Fact]
    public async Task SecondSessionOnALockedMailboxGetsNullUntilTheFirstIsDisposed()
    {
        await using var store = new TempStore();
        var first = await store.OpenAsync("alice");

        Assert.Null(await store.Store.TryOpenMailboxAsync("alice", CancellationToken.None));
        await using (var other = await store.OpenAsync("bob"))
        {
            Assert.Equal("bob", other.Mailbox);
        }

        await first.DisposeAsync();
        await first.DisposeAsync();
        await using var second = await store.OpenAsync("alice");
        Assert.Null(await store.Store.TryOpenMailboxAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task SnapshotExcludesMessagesArrivingAfterOpen()
    {
        await using var store = new TempStore();
        var before = await store.DeliverAsync("before\r\n", "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            var after = await store.DeliverAsync("after\r\n", "alice");

            Assert.Equal(1, session.Count);
            Assert.Equal(before, session.GetId(0));
            Assert.True(after > before);
        }

        Assert.Equal(2, (await store.ReadAllAsync("alice")).Count);
    }

    [Fact]
    public async Task DeletesInOneSessionDoNotTouchMessagesThatArrivedAfterItsSnapshot()
    {
        await using var store = new TempStore();
        await store.DeliverAsync("old\r\n", "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            await store.DeliverAsync("new\r\n", "alice");
            await session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
        }

        await store.ReopenAsync();
        var message = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal("new\r\n", Encoding.ASCII.GetString(message.Content));
    }

    [Fact]
    public async Task IdsIncreaseAndAreNeverReusedAfterDeleteAndReopen()
    {
        await using var store = new TempStore();
        var seen = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            seen.Add(await store.DeliverAsync($"round {round} a\r\n", "alice"));
            seen.Add(await store.DeliverAsync($"round {round} b\r\n", "alice", "bob"));
            await using (var session = await store.OpenAsync("alice"))
            {
                await session.CommitDeletesAsync(Enumerable.Range(0, session.Count).ToArray(), CancellationToken.None);
            }

            await store.ReopenAsync();
        }

        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(await store.ReadAllAsync("alice"));
        Assert.Equal(seen.Where((_, i) => i % 2 == 1), (await store.ReadAllAsync("bob")).Select(m => m.Id));
    }

    [Fact]
    public async Task WriterCannotBeCommittedTwiceOrWithoutMailboxes()
    {
        await using var store = new TempStore();
        using var writer = store.Store.BeginMessage();
        writer.Write("x"u8);

        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.CommitAsync([], CancellationToken.None));
        await writer.CommitAsync(["alice"], CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.CommitAsync(["alice"], CancellationToken.None));
        Assert.Throws<InvalidOperationException>(() => writer.Write("y"u8));
    }

    [Fact]
    public async Task PooledWriterStartsEmptyAfterReuse()
    {
        await using var store = new TempStore();
        using (var aborted = store.Store.BeginMessage())
        {
            aborted.Write(FasterMailStoreDurabilityTests.RandomBytes(40_000, seed: 3));
        }

        using var writer = store.Store.BeginMessage();
        Assert.Equal(0, writer.Length);
        writer.Write("fresh\r\n"u8);
        await writer.CommitAsync(["alice"], CancellationToken.None);

        Assert.Equal("fresh\r\n"u8.ToArray(), Assert.Single(await store.ReadAllAsync("alice")).Content);
    }
}
