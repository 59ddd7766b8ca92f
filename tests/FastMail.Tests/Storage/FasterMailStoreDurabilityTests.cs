using System.Text;
using FastMail.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Storage;

public sealed class FasterMailStoreDurabilityTests
{
    [Fact]
    public async Task FirstOpenOnAnEmptyDirectoryGivesAnEmptyStore()
    {
        await using var store = new TempStore();

        var messages = await store.ReadAllAsync("alice");

        Assert.Empty(messages);
        Assert.True(Directory.Exists(Path.Combine(store.Directory, "mail")));
    }

    [Fact]
    public async Task OpenAndCloseWithoutMailThenReopenWorks()
    {
        await using var store = new TempStore();

        await store.ReopenAsync();
        await store.ReopenAsync();

        Assert.Empty(await store.ReadAllAsync("alice"));
    }

    [Fact]
    public async Task CommittedMessageIsFoundByteForByteWithTheSameIdAfterReopen()
    {
        await using var store = new TempStore();
        var content = "Subject: hi\r\n\r\nHello Alice.\r\n";
        var id = await store.DeliverAsync(content, "alice");

        await store.ReopenAsync();

        var message = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal(id, message.Id);
        Assert.Equal(content, Encoding.ASCII.GetString(message.Content));
    }

    [Fact]
    public async Task EmptyMessageRoundTrips()
    {
        await using var store = new TempStore();
        var id = await store.DeliverAsync([], "alice");

        await store.ReopenAsync();

        var message = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal(id, message.Id);
        Assert.Empty(message.Content);
    }

    [Fact]
    public async Task MessagesKeepCommitOrderAfterReopen()
    {
        await using var store = new TempStore();
        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await store.DeliverAsync($"message {i}\r\n", "alice"));
        }

        await store.ReopenAsync();

        var messages = await store.ReadAllAsync("alice");
        Assert.Equal(ids, messages.Select(m => m.Id));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"message {i}\r\n"), messages.Select(m => Encoding.ASCII.GetString(m.Content)));
    }

    [Fact]
    public async Task AbortedWriterIsInvisibleAlsoAfterReopen()
    {
        await using var store = new TempStore();
        using (var writer = store.Store.BeginMessage())
        {
            // Larger than a chunk, so chunk records reach the log without a commit record.
            writer.Write(RandomBytes(50_000, seed: 1));
        }

        using (var writer = store.Store.BeginMessage())
        {
            writer.Write("small, never committed"u8);
        }

        var kept = await store.DeliverAsync("kept\r\n", "alice");

        Assert.Equal([kept], (await store.ReadAllAsync("alice")).Select(m => m.Id));
        await store.ReopenAsync();
        var message = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal(kept, message.Id);
        Assert.Equal("kept\r\n"u8.ToArray(), message.Content);
    }

    [Fact]
    public async Task RecoveryWorksWithoutFastCommitModeToo()
    {
        await using var store = new TempStore(o => o.FastCommitMode = false);
        var id = await store.DeliverAsync("slow commit\r\n", "alice");

        await store.ReopenAsync();

        var message = Assert.Single(await store.ReadAllAsync("alice"));
        Assert.Equal(id, message.Id);
    }

    [Fact]
    public async Task MessageCommittedWithoutCleanShutdownIsRecovered()
    {
        // Copy the files while the store is still open: what a kill -9 right after the 250 would leave on disk.
        await using var store = new TempStore();
        var content = RandomBytes(40_000, seed: 7);
        var id = await store.DeliverAsync(content, "alice");
        var copy = Path.Combine(Path.GetTempPath(), "fastmail-storage-copy-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(store.Directory, "mail"), Path.Combine(copy, "mail"));
        try
        {
            var options = store.Options;
            options.DataDirectory = copy;
            await using var recovered = FasterMailStore.Open(options, NullLogger.Instance);
            await using var session = await recovered.TryOpenMailboxAsync("alice", CancellationToken.None);
            Assert.NotNull(session);
            Assert.Equal(1, session.Count);
            Assert.Equal(id, session.GetId(0));
            Assert.Equal(content, await TempStore.ReadMessageAsync(session, 0, 1000));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task FastCommitModeRecoversFromTheLogAloneWhenCommitFilesAreLost()
    {
        // Power loss can drop the directory entry of the newest commit file (FASTER never fsyncs log-commits);
        // in fast commit mode the commit records inside the log are enough.
        await using var store = new TempStore();
        var first = await store.DeliverAsync("first\r\n", "alice");
        var second = await store.DeliverAsync(RandomBytes(40_000, seed: 2), "alice");
        await using (var session = await store.OpenAsync("alice"))
        {
            await session.CommitDeletesAsync(new[] { 0 }, CancellationToken.None);
        }

        var copy = Path.Combine(Path.GetTempPath(), "fastmail-storage-copy-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(store.Directory, "mail"), Path.Combine(copy, "mail"));
        try
        {
            var commits = Directory.GetFiles(Path.Combine(copy, "mail"), "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("mail.log", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(commits);
            commits.ForEach(File.Delete);
            var options = store.Options;
            options.DataDirectory = copy;
            await using var recovered = FasterMailStore.Open(options, NullLogger.Instance);
            await using var session = await recovered.TryOpenMailboxAsync("alice", CancellationToken.None);
            Assert.NotNull(session);
            Assert.Equal([second], Enumerable.Range(0, session.Count).Select(session.GetId));
            Assert.NotEqual(first, second);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task MessagesCommittedAfterTheLastWrittenCommitMetadataAreRecoveredFromTheLog()
    {
        // In fast commit mode the commit metadata is written only every few commits: a kill -9 between two metadata
        // writes leaves acknowledged messages that only the commit records inside the log know about.
        await using var store = new TempStore();
        var ids = new List<long> { await store.DeliverAsync("first\r\n", "alice") };
        var mail = Path.Combine(store.Directory, "mail");
        var slotsBefore = SlotFiles(mail);
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await store.DeliverAsync($"message {i}\r\n", "alice"));
        }

        // The fault this test is about: ten acknowledged commits and not one metadata write.
        Assert.Equal(slotsBefore, SlotFiles(mail));
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            var contents = await TempStore.ContentsAsync(recovered, ["alice"]);
            Assert.Equal(ids.Select(id => "alice/" + id).Order(StringComparer.Ordinal), contents.Keys);
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    private static string SlotFiles(string mailDirectory) =>
        string.Join(",", Directory.GetFiles(mailDirectory, "commit-slot-*").Order(StringComparer.Ordinal).Select(f => Convert.ToHexString(File.ReadAllBytes(f))));

    [Fact]
    public void OpenRejectsAMissingDataDirectory()
    {
        Assert.Throws<ArgumentException>(() => FasterMailStore.Open(new StorageOptions(), NullLogger.Instance));
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }
}
