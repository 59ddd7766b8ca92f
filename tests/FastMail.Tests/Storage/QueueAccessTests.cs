using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;

namespace FastMail.Tests.Storage;

/// <summary>
/// The outbound queue's view of the store: a message committed to the queue mailbox is queued in the same record as its
/// envelope; its delivery state is saved by later records; removal ends both. All of it survives a reopen, a crash
/// image (log replay) and compaction.
/// </summary>
public sealed class QueueAccessTests
{
    [Fact]
    public async Task AQueuedMessageIsListedWithItsEnvelopeAndBodyButNotAsAMailbox()
    {
        await using var store = new TempStore();
        var body = FasterMailStoreDurabilityTests.RandomBytes(40_000, seed: 5);
        var id = await QueueAsync(store, body, "alice");

        var queue = store.Store.Queue;
        Assert.Equal([id], queue.ListQueued());
        var message = await queue.ReadQueuedAsync(id, CancellationToken.None);
        Assert.NotNull(message);
        Assert.Equal(body.Length, message.Length);
        Assert.Null(message.State);
        Assert.Equal("sender@example.net", Encoding.ASCII.GetString(message.Envelope.Sender));
        Assert.Equal("bob@remote.test", Encoding.ASCII.GetString(message.Envelope[1].Address));
        Assert.Equal("NOTIFY=FAILURE", Encoding.ASCII.GetString(message.Envelope[1].Parameters));
        Assert.Equal(body, await ReadBodyAsync(queue, id));

        // The local copy is an ordinary mailbox; the queue mailbox is held by the queue and opens for no one else.
        Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Null(await store.Store.TryOpenMailboxAsync(QueueMailbox.Name, CancellationToken.None));
    }

    [Fact]
    public async Task SavedStateSurvivesAReopenAndACrashImageAndRemovalEndsIt()
    {
        await using var store = new TempStore();
        var first = await QueueAsync(store, "one\r\n"u8.ToArray());
        var second = await QueueAsync(store, "two\r\n"u8.ToArray());
        await store.Store.Queue.SaveStateAsync(first, "state-1"u8.ToArray(), CancellationToken.None);
        await store.Store.Queue.SaveStateAsync(first, "state-2"u8.ToArray(), CancellationToken.None);
        await store.Store.Queue.SaveStateAsync(second, "other"u8.ToArray(), CancellationToken.None);

        await store.ReopenAsync();
        Assert.Equal("state-2"u8.ToArray(), (await store.Store.Queue.ReadQueuedAsync(first, CancellationToken.None))!.State);

        Assert.True(await store.Store.Queue.RemoveAsync(second, CancellationToken.None));
        Assert.False(await store.Store.Queue.RemoveAsync(second, CancellationToken.None));
        await store.Store.Queue.SaveStateAsync(first, "state-3"u8.ToArray(), CancellationToken.None);

        // kill -9 now: the copy replays the state and delete records after the last checkpoint.
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            Assert.Equal([first], recovered.Queue.ListQueued());
            Assert.Equal("state-3"u8.ToArray(), (await recovered.Queue.ReadQueuedAsync(first, CancellationToken.None))!.State);
            Assert.Null(await recovered.Queue.ReadQueuedAsync(second, CancellationToken.None));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    [Fact]
    public async Task AStateSavedAfterTheMessageLeftTheQueueIsIgnored()
    {
        await using var store = new TempStore();
        var id = await QueueAsync(store, "gone\r\n"u8.ToArray());
        Assert.True(await store.Store.Queue.RemoveAsync(id, CancellationToken.None));
        await store.Store.Queue.SaveStateAsync(id, "late"u8.ToArray(), CancellationToken.None);

        Assert.Empty(store.Store.Queue.ListQueued());
        Assert.Null(await store.Store.Queue.ReadQueuedAsync(id, CancellationToken.None));
        Assert.Null(store.Store.Index.GetQueueState(id));
    }

    [Fact]
    public async Task CompactionKeepsQueuedMessagesAndTheirState()
    {
        await using var store = new TempStore();
        var body = FasterMailStoreDurabilityTests.RandomBytes(3000, seed: 9);
        var queued = await QueueAsync(store, body);
        await store.Store.Queue.SaveStateAsync(queued, "kept"u8.ToArray(), CancellationToken.None);
        for (var i = 0; i < 200; i++)
        {
            await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(2000, seed: i), "filler");
        }

        await using (var session = await store.OpenAsync("filler"))
        {
            await session.CommitDeletesAsync(Enumerable.Range(0, session.Count).ToArray(), CancellationToken.None);
        }

        await store.Store.Maintenance.CompactAsync(CancellationToken.None);
        await store.ReopenAsync();

        var message = await store.Store.Queue.ReadQueuedAsync(queued, CancellationToken.None);
        Assert.NotNull(message);
        Assert.Equal("kept"u8.ToArray(), message.State);
        Assert.Equal(body, await ReadBodyAsync(store.Store.Queue, queued));
    }

    private static async Task<long> QueueAsync(TempStore store, byte[] body, params string[] localMailboxes)
    {
        var envelope = new Envelope();
        envelope.SetSender("sender@example.net"u8, default, "RET=HDRS"u8);
        envelope.AddRecipient("alice@example.com"u8, default, default, "alice");
        envelope.AddRecipient("bob@remote.test"u8, default, "NOTIFY=FAILURE"u8, QueueMailbox.Name);
        using var writer = store.Store.BeginMessage();
        writer.Write(body);
        return await writer.CommitAsync(envelope, [.. localMailboxes, QueueMailbox.Name], CancellationToken.None);
    }

    private static async Task<byte[]> ReadBodyAsync(IQueueStore queue, long id)
    {
        await using var stream = queue.OpenBody(id);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
