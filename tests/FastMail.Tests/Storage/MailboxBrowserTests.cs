using System.Text;

namespace FastMail.Tests.Storage;

/// <summary>The web's lock-free view of a mailbox: newest-first pages that read only their own entries, and reads by id.</summary>
public sealed class MailboxBrowserTests
{
    [Fact]
    public async Task PagesGoNewestFirstAcrossTheGapsDeletesLeave()
    {
        await using var store = new TempStore();
        var ids = new List<long>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add(await store.DeliverAsync($"message {i}\r\n", "alice"));
        }

        await using (var session = await store.OpenAsync("alice"))
        {
            // Delete every third message: the pages must step over the gaps.
            await session.CommitDeletesAsync(Enumerable.Range(0, session.Count).Where(i => i % 3 == 0).ToArray(), CancellationToken.None);
        }

        var expected = ids.Where((_, i) => i % 3 != 0).Reverse().ToList();
        var seen = new List<long>();
        var before = long.MaxValue;
        while (true)
        {
            var page = store.Store.Browser.ListNewest("alice", before, 25);
            Assert.Equal(expected.Count, page.Total);
            if (page.Messages.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Messages.Select(m => m.Id));
            before = page.Messages[^1].Sequence;
        }

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task ReadingNeitherTakesNorNeedsThePop3Lock()
    {
        await using var store = new TempStore();
        var id = await store.DeliverAsync("Subject: hello\r\n\r\nbody\r\n", "alice");
        var other = await store.DeliverAsync("not alice's\r\n", "bob");

        await using var pop3 = await store.OpenAsync("alice");
        Assert.True(store.Store.Browser.IsLocked("alice"));
        Assert.False(store.Store.Browser.IsLocked("bob"));

        await using (var stream = store.Store.Browser.OpenRead("alice", id))
        using (var reader = new StreamReader(stream, Encoding.ASCII))
        {
            Assert.Equal("Subject: hello\r\n\r\nbody\r\n", await reader.ReadToEndAsync());
        }

        Assert.Throws<KeyNotFoundException>(() => store.Store.Browser.OpenRead("alice", other));
        Assert.Empty(store.Store.Browser.ListNewest("nobody", long.MaxValue, 10).Messages);
    }
}
