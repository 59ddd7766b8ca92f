using System.Text;
using FastMail.Storage;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

/// <summary>
/// A store whose index is bigger than <see cref="StorageOptions.IndexMemory"/>: most index records live on disk, and
/// the mail is still listed, retrieved and deleted exactly, before and after restarts.
/// </summary>
public sealed class FasterMailStoreIndexMemoryTests
{
    private static readonly string[] Mailboxes = [.. Enumerable.Range(0, 20).Select(i => $"user{i}@example.org")];

    [Fact]
    public async Task AnIndexLargerThanItsMemoryListsRetrievesAndDeletesCorrectlyAcrossRestarts()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        Assert.Equal(1L << 20, store.Options.IndexMemory);
        var bodies = new Dictionary<long, byte[]>();
        for (var i = 0; i < 8000; i++)
        {
            var body = Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nbody of message {i}\r\n");
            bodies[await store.DeliverAsync(body, Mailboxes[i % Mailboxes.Length])] = body;
        }

        Assert.True(store.Store.Index.StoreBytes > store.Options.IndexMemory, $"index log {store.Store.Index.StoreBytes} bytes: not larger than its memory");
        await store.ReopenAsync();
        await AssertEveryMailboxAsync(store, bodies);

        // Delete every third message of every mailbox, then restart twice: from the closing checkpoint and from a crash image.
        foreach (var mailbox in Mailboxes)
        {
            await using var session = await store.OpenAsync(mailbox);
            var doomed = Enumerable.Range(0, session.Count).Where(i => i % 3 == 0).ToArray();
            foreach (var index in doomed)
            {
                bodies.Remove(session.GetId(index));
            }

            await session.CommitDeletesAsync(doomed, CancellationToken.None);
        }

        await store.ReopenAsync();
        await AssertEveryMailboxAsync(store, bodies);
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            Assert.Equal(bodies.Count, await CountAsync(recovered));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    private static async Task AssertEveryMailboxAsync(TempStore store, Dictionary<long, byte[]> bodies)
    {
        var seen = 0;
        foreach (var mailbox in Mailboxes)
        {
            await using var session = await store.OpenAsync(mailbox);
            for (var i = 0; i < session.Count; i++)
            {
                Assert.True(i == 0 || session.GetId(i - 1) < session.GetId(i), "not in id order");
                var expected = bodies[session.GetId(i)];
                Assert.Equal(expected.Length, session.GetSize(i));
                // Every message's size and id, and a sample of bodies (each a read of its index record from disk).
                if (i % 17 == 0)
                {
                    Assert.Equal(expected, await TempStore.ReadMessageAsync(session, i, 256));
                }
            }

            seen += session.Count;
        }

        Assert.Equal(bodies.Count, seen);
    }

    private static async Task<int> CountAsync(FasterMailStore store)
    {
        var count = 0;
        foreach (var mailbox in Mailboxes)
        {
            await using var session = await store.TryOpenMailboxAsync(mailbox, CancellationToken.None);
            count += session!.Count;
        }

        return count;
    }
}
