using System.Text;
using FastMail.Core.Mail;
using FastMail.Storage.Log;
using FastMail.Storage.Mailboxes;

namespace FastMail.Tests.Storage;

/// <summary>The SMTP envelope is stored in the message's commit record and read back after a restart or a crash.</summary>
public sealed class FasterMailStoreEnvelopeTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(50_000)]
    public async Task TheEnvelopeSurvivesAReopenWithInlineAndChunkedBodies(int size)
    {
        await using var store = new TempStore();
        var body = FasterMailStoreDurabilityTests.RandomBytes(size, seed: 3);
        var id = await DeliverAsync(store, body, SampleEnvelope(), "alice", "bob");

        await store.ReopenAsync();

        foreach (var mailbox in new[] { "alice", "bob" })
        {
            await using var session = await store.OpenAsync(mailbox);
            Assert.Equal(id, session.GetId(0));
            Assert.Equal(body, await TempStore.ReadMessageAsync(session, 0, 4096));
            AssertSampleEnvelope(await ((MailboxSession)session).ReadEnvelopeAsync(0, CancellationToken.None));
        }
    }

    [Fact]
    public async Task TheEnvelopeIsRecoveredFromTheLogAfterACrash()
    {
        await using var store = new TempStore();
        await DeliverAsync(store, "crash\r\n"u8.ToArray(), SampleEnvelope(), "alice");

        // The copy of the files while the store is open is what kill -9 leaves: no closing checkpoint, a log replay.
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            await using var session = await recovered.TryOpenMailboxAsync("alice", CancellationToken.None);
            Assert.NotNull(session);
            Assert.Equal("crash\r\n"u8.ToArray(), await TempStore.ReadMessageAsync(session, 0, 4096));
            AssertSampleEnvelope(await ((MailboxSession)session).ReadEnvelopeAsync(0, CancellationToken.None));
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }
    }

    [Fact]
    public async Task AnEnvelopeTooLargeToShareAPageWithTheBodyPushesTheBodyIntoAChunk()
    {
        // 64 KB pages (TempStore): 100 recipients of 500 bytes and a body just under the 16 KB chunk size do not fit in one record.
        await using var store = new TempStore();
        var envelope = new Envelope();
        envelope.SetSender("alice@example.net"u8, default, default);
        var local = Encoding.ASCII.GetBytes(new string('r', 480));
        for (var i = 0; i < 100; i++)
        {
            envelope.AddRecipient(local, Encoding.ASCII.GetBytes($"d{i:D3}.example.com"), default, "bob");
        }

        var body = FasterMailStoreDurabilityTests.RandomBytes(16_000, seed: 5);
        await DeliverAsync(store, body, envelope, "bob");
        await store.ReopenAsync();

        await using var session = await store.OpenAsync("bob");
        Assert.Equal(body, await TempStore.ReadMessageAsync(session, 0, 4096));
        var stored = await ((MailboxSession)session).ReadEnvelopeAsync(0, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(100, stored.RecipientCount);
        Assert.Equal(new string('r', 480) + "@d099.example.com", Encoding.ASCII.GetString(stored[99].Address));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(50_000)]
    public async Task ACompactionCopyKeepsTheEnvelopeAcrossRestartsAndFullReplay(int size)
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        var body = FasterMailStoreDurabilityTests.RandomBytes(size, seed: 11);
        var id = await DeliverAsync(store, body, SampleEnvelope(), "alice", "bob");
        for (var i = 0; i < 20; i++)
        {
            await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(20_000, seed: i), "carol");
        }

        await using (var carol = await store.OpenAsync("carol"))
        {
            await carol.CommitDeletesAsync(Enumerable.Range(0, carol.Count).ToArray(), CancellationToken.None);
        }

        Assert.True(await store.Store.Maintenance.CompactAsync(CancellationToken.None) > 0);

        // The original commit record is gone: whatever is read now comes from the copy.
        Assert.True(store.Store.Log.BeginAddress > id);
        await AssertAsync(store.Store);
        await store.ReopenAsync();
        await AssertAsync(store.Store);

        await store.Store.DisposeAsync();
        Directory.Delete(Path.Combine(store.Directory, "mail", "kv"), recursive: true);
        await using var replayed = store.OpenCopy(store.Directory);
        await AssertAsync(replayed);

        async Task AssertAsync(FastMail.Storage.FasterMailStore opened)
        {
            await using var session = await opened.TryOpenMailboxAsync("bob", CancellationToken.None);
            Assert.NotNull(session);
            Assert.Equal(id, session.GetId(0));
            Assert.Equal(body, await TempStore.ReadMessageAsync(session, 0, 4096));
            AssertSampleEnvelope(await ((MailboxSession)session).ReadEnvelopeAsync(0, CancellationToken.None));
        }
    }

    [Fact]
    public async Task ACommitRecordOfTheOlderLayoutWithoutEnvelopeIsStillRead()
    {
        await using var store = new TempStore();
        var inline = "written by an older build\r\n"u8.ToArray();
        var chunked = FasterMailStoreDurabilityTests.RandomBytes(40_000, seed: 7);
        var inlineId = await AppendOldCommitAsync(store, inline, "alice");
        var chunkedId = await AppendOldCommitAsync(store, chunked, "alice");
        var currentId = await DeliverAsync(store, "new\r\n"u8.ToArray(), SampleEnvelope(), "alice");

        var (owner, length) = await store.Store.Log.ReadAsync(inlineId, 256, CancellationToken.None);
        using (owner)
        {
            Assert.Equal([RecordFormat.Version, (byte)RecordKind.Commit], owner.Memory.Span[..2].ToArray());
        }

        (owner, length) = await store.Store.Log.ReadAsync(currentId, 256, CancellationToken.None);
        using (owner)
        {
            // A build that knows only version 1 refuses this record rather than dropping it as damage.
            Assert.Equal([RecordFormat.EnvelopeVersion, (byte)RecordKind.CommitWithEnvelope], owner.Memory.Span[..2].ToArray());
        }

        // Read by a full log replay (crash image) and from a checkpoint plus replay (clean restart).
        var copy = StorageFiles.CopyDataDirectory(store.Directory);
        try
        {
            await using var recovered = store.OpenCopy(copy);
            await AssertMailboxAsync(recovered);
        }
        finally
        {
            TempDirectory.DeleteQuietly(copy);
        }

        await store.ReopenAsync();
        await AssertMailboxAsync(store.Store);

        async Task AssertMailboxAsync(FastMail.Storage.FasterMailStore opened)
        {
            await using var session = await opened.TryOpenMailboxAsync("alice", CancellationToken.None);
            Assert.NotNull(session);
            Assert.Equal([inlineId, chunkedId, currentId], Enumerable.Range(0, session.Count).Select(session.GetId));
            Assert.Equal(inline, await TempStore.ReadMessageAsync(session, 0, 4096));
            Assert.Equal(chunked, await TempStore.ReadMessageAsync(session, 1, 4096));
            Assert.Null(await ((MailboxSession)session).ReadEnvelopeAsync(0, CancellationToken.None));
            Assert.Null(await ((MailboxSession)session).ReadEnvelopeAsync(1, CancellationToken.None));
            AssertSampleEnvelope(await ((MailboxSession)session).ReadEnvelopeAsync(2, CancellationToken.None));
        }
    }

    private static Envelope SampleEnvelope()
    {
        var envelope = new Envelope();
        envelope.SetSender("sender@example.net"u8, default, "SIZE=100 BODY=8BITMIME"u8);
        envelope.AddRecipient("alice@example.com"u8, default, default, "alice");
        envelope.AddRecipient("bob"u8, "example.com"u8, "NOTIFY=NEVER"u8, "bob");
        return envelope;
    }

    private static void AssertSampleEnvelope(Envelope? envelope)
    {
        Assert.NotNull(envelope);
        Assert.Equal("sender@example.net", Encoding.ASCII.GetString(envelope.Sender));
        Assert.Equal("SIZE=100 BODY=8BITMIME", Encoding.ASCII.GetString(envelope.SenderParameters));
        Assert.Equal(2, envelope.RecipientCount);
        Assert.Equal("alice@example.com", Encoding.ASCII.GetString(envelope[0].Address));
        Assert.Equal("bob@example.com", Encoding.ASCII.GetString(envelope[1].Address));
        Assert.Equal("NOTIFY=NEVER", Encoding.ASCII.GetString(envelope[1].Parameters));
    }

    private static async Task<long> DeliverAsync(TempStore store, byte[] body, Envelope envelope, params string[] mailboxes)
    {
        using var writer = store.Store.BeginMessage();
        writer.Write(body);
        return await writer.CommitAsync(envelope, mailboxes, CancellationToken.None);
    }

    /// <summary>Appends a message the way builds before stored envelopes did: kind Commit, no envelope.</summary>
    private static async Task<long> AppendOldCommitAsync(TempStore store, byte[] body, string mailbox)
    {
        var log = store.Store.Log;
        var key = Random.Shared.NextInt64();
        string[] mailboxes = [mailbox];
        var chunkSize = store.Options.ChunkSize;
        CommitRecord record;
        if (body.Length <= chunkSize)
        {
            record = CommitRecord.Inline(key, mailboxes, null, body, body.Length);
        }
        else
        {
            var chunks = new List<long>();
            for (var offset = 0; offset < body.Length; offset += chunkSize)
            {
                chunks.Add(log.Append(new ChunkRecord(key, body.AsMemory(offset, Math.Min(chunkSize, body.Length - offset)))));
            }

            record = CommitRecord.Chunked(key, body.Length, mailboxes, null, chunks, chunkSize);
        }

        var address = store.Store.Index.Pending.AppendAndRegister(log, record);
        await log.WaitForCommitAsync(address);
        store.Store.Index.Add(record.ToStoredMessage(address), mailboxes, address);
        return address;
    }
}
