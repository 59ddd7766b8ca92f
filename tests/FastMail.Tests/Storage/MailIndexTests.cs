using FastMail.Storage.Index;

namespace FastMail.Tests.Storage;

/// <summary>
/// <see cref="MailIndex"/> on a real FasterKV store in a temp directory: listing order, multi-mailbox messages,
/// idempotent replay, relocation, delete marks, big mailboxes with gaps, and a checkpoint that survives a reopen.
/// </summary>
public sealed class MailIndexTests : IDisposable
{
    private const long Memory = 1 << 20;

    /// <summary>A run of entries big enough that deleting it leaves a long gap (and was a whole entry chunk in the first layout).</summary>
    private const int Many = 64;

    private readonly string _directory = TempDirectory.Create("index");

    public void Dispose() => TempDirectory.DeleteQuietly(_directory);

    [Fact]
    public void AnIndexWithoutACheckpointOpensEmptyAndCoversNothing()
    {
        using var index = Open(out var covered);

        Assert.Equal(-1, covered);
        Assert.Equal((0, 0), index.Count());
        Assert.Equal(0, index.LiveBytes);
        Assert.Empty(index.TryLock("alice")!);
        Assert.Null(index.Find(64));
    }

    [Fact]
    public void MessagesAddedOutOfIdOrderAreListedInIdOrder()
    {
        using var index = Open(out _);
        foreach (var id in new long[] { 320, 64, 192, 128, 256 })
        {
            index.Add(Message(id, length: id + 1), ["alice"]);
        }

        Assert.Equal([64, 128, 192, 256, 320], index.TryLock("alice")!.Select(e => e.Id));
        Assert.Empty(index.TryLock("bob")!);
    }

    [Fact]
    public void ListedEntriesCarryTheMessageLengths()
    {
        using var index = Open(out _);
        index.Add(Message(64, length: 10), ["alice"]);
        index.Add(Message(128, length: 2000), ["alice"]);

        Assert.Equal([new MailboxEntry(64, 10), new MailboxEntry(128, 2000)], index.TryLock("alice")!);
    }

    [Fact]
    public void TryLockReturnsNullWhileTheMailboxIsLockedAndListsAgainAfterUnlock()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice"]);

        Assert.NotNull(index.TryLock("alice"));
        Assert.Null(index.TryLock("alice"));
        // Another mailbox has its own lock.
        Assert.NotNull(index.TryLock("bob"));

        index.Unlock("alice");
        Assert.Equal([64], index.TryLock("alice")!.Select(e => e.Id));
        Assert.Null(index.TryLock("alice"));
    }

    [Fact]
    public void AMessageListedInTwoMailboxesStaysFindableUntilRemovedFromBoth()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice", "bob"]);

        Assert.Null(index.Remove("alice", [64]));
        Assert.NotNull(index.Find(64));
        Assert.Empty(List(index, "alice"));
        Assert.Equal([64], List(index, "bob").Select(e => e.Id));

        Assert.Null(index.Remove("bob", [64]));
        Assert.Null(index.Find(64));
        Assert.Empty(List(index, "bob"));
    }

    [Fact]
    public void RemoveReturnsTheIdsTheMailboxDidNotListAndChangesNothingForThem()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice"]);
        index.Add(Message(128), ["bob"]);
        index.Add(Message(192), ["alice"]);

        // 128 is bob's, 256 is nobody's: neither is touched.
        Assert.Equal([128, 256], index.Remove("alice", [64, 128, 256]));

        Assert.Equal([192], List(index, "alice").Select(e => e.Id));
        Assert.Equal([128], List(index, "bob").Select(e => e.Id));
        Assert.NotNull(index.Find(128));
        Assert.Null(index.Find(256));
        Assert.Equal((2, 2), index.Count());
        // Removing it again: nothing left to remove.
        Assert.Equal([64], index.Remove("alice", [64]));
        Assert.Equal((2, 2), index.Count());
    }

    [Fact]
    public void RemoveFromAMailboxThatDoesNotExistReturnsEveryId()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice"]);

        Assert.Equal([64, 128], index.Remove("nobody", [64, 128]));
        Assert.Equal([64], List(index, "alice").Select(e => e.Id));
    }

    [Fact]
    public void UsageCountAndLiveBytesFollowAddsAndRemoves()
    {
        using var index = Open(out _);
        var shared = Message(64, length: 100);
        var own = Message(128, length: 50);
        Assert.Equal(0, index.Usage("alice"));
        Assert.Equal((0, 0), index.Count());

        index.Add(shared, ["alice", "bob"]);
        index.Add(own, ["alice"]);
        Assert.Equal(150, index.Usage("alice"));
        Assert.Equal(100, index.Usage("bob"));
        // A message in two mailboxes is two listings but one stored copy.
        Assert.Equal((3, 2), index.Count());
        Assert.Equal(shared.StoredBytes + own.StoredBytes, index.LiveBytes);

        index.Remove("alice", [64]);
        Assert.Equal(50, index.Usage("alice"));
        Assert.Equal((2, 2), index.Count());
        Assert.Equal(shared.StoredBytes + own.StoredBytes, index.LiveBytes);

        index.Remove("bob", [64]);
        Assert.Equal(0, index.Usage("bob"));
        Assert.Equal((1, 1), index.Count());
        Assert.Equal(own.StoredBytes, index.LiveBytes);

        index.Remove("alice", [128]);
        Assert.Equal(0, index.Usage("alice"));
        Assert.Equal((0, 0), index.Count());
        Assert.Equal(0, index.LiveBytes);
    }

    [Fact]
    public void AddingAMessageTwiceToTheSameMailboxListsItOnce()
    {
        // Replay of a commit the checkpoint already holds.
        using var index = Open(out _);
        var message = Message(64, length: 100);
        index.Add(message, ["alice"]);
        index.Add(message, ["alice"]);

        Assert.Equal([64], List(index, "alice").Select(e => e.Id));
        Assert.Equal(100, index.Usage("alice"));
        Assert.Equal((1, 1), index.Count());
        Assert.Equal(message.StoredBytes, index.LiveBytes);
    }

    [Fact]
    public void ReplayingAnAddWithAnotherMailboxListsItThereOnlyAndCountsTheCopyOnce()
    {
        using var index = Open(out _);
        var message = Message(64, length: 100);
        index.Add(message, ["alice"]);
        index.Add(message, ["alice", "bob"]);

        Assert.Equal([64], List(index, "alice").Select(e => e.Id));
        Assert.Equal([64], List(index, "bob").Select(e => e.Id));
        Assert.Equal((2, 2), index.Count());
        Assert.Equal(message.StoredBytes, index.LiveBytes);
    }

    [Fact]
    public void ReplayingAnAddOfARelocatedMessageKeepsTheRelocatedLocation()
    {
        // The checkpoint holds the compacted location; the original commit, replayed, must not point back at the old one.
        using var index = Open(out _);
        var message = Message(64);
        index.Add(message, ["alice"]);
        index.Relocate(64, new BodyLocation(9000, 40, null, 0), pendingAddress: -1);

        index.Add(message, ["alice"]);
        Assert.Equal(9000, index.Find(64)!.Location.RecordAddress);
        Assert.Equal(40, index.Find(64)!.Location.InlineBodyOffset);

        // Also when the replay lists it in a mailbox it was not in yet, which rewrites the message record.
        index.Add(message, ["alice", "bob"]);
        Assert.Equal(9000, index.Find(64)!.Location.RecordAddress);
        Assert.Equal([64], List(index, "bob").Select(e => e.Id));
    }

    [Fact]
    public void ApplyMovedRelocatesAStoredMessageAndKeepsItsListings()
    {
        using var index = Open(out _);
        var message = Message(64, length: 100);
        index.Add(message, ["alice"]);

        long[] chunks = [4000, 4500];
        index.ApplyMoved(message.WithLocation(new BodyLocation(5000, 0, chunks, 512)), ["alice"], mayList: false);

        var moved = index.Find(64)!;
        Assert.Equal(5000, moved.Location.RecordAddress);
        Assert.Equal(chunks, moved.Location.ChunkAddresses);
        Assert.Equal(512, moved.Location.ChunkLength);
        Assert.Equal(100, moved.Length);
        Assert.Equal([new MailboxEntry(64, 100)], List(index, "alice"));
        Assert.Equal((1, 1), index.Count());
    }

    [Fact]
    public void ApplyMovedOfAStoredMessageDoesNotListItInTheRecordsOtherMailboxes()
    {
        // The moved record's mailbox list is older than a delete applied since: the stored listings are the truth.
        using var index = Open(out _);
        var message = Message(64);
        index.Add(message, ["alice", "bob"]);
        index.Remove("bob", [64]);

        index.ApplyMoved(message.WithLocation(new BodyLocation(5000, 20, null, 0)), ["alice", "bob"], mayList: true);

        Assert.Equal(5000, index.Find(64)!.Location.RecordAddress);
        Assert.Equal([64], List(index, "alice").Select(e => e.Id));
        Assert.Empty(List(index, "bob"));
    }

    [Fact]
    public void ApplyMovedIgnoresAMessageThatIsNotStored()
    {
        // Not stored: deleted after it was moved, and the delete is already in the index.
        using var index = Open(out _);
        var copy = Message(64).WithLocation(new BodyLocation(5000, 20, null, 0));

        index.ApplyMoved(copy, ["alice"], mayList: false);

        Assert.Null(index.Find(64));
        Assert.Empty(List(index, "alice"));
        Assert.Equal((0, 0), index.Count());
        Assert.Equal(0, index.LiveBytes);
    }

    [Fact]
    public void ApplyMovedListsAMessageThatIsNotStoredWhenMayList()
    {
        // Full replay whose original commit was compacted away: the moved record is the message's only description.
        using var index = Open(out _);
        var copy = Message(64, length: 300).WithLocation(new BodyLocation(5000, 20, null, 0));

        index.ApplyMoved(copy, ["alice", "bob"], mayList: true);

        Assert.Equal(5000, index.Find(64)!.Location.RecordAddress);
        Assert.Equal([new MailboxEntry(64, 300)], List(index, "alice"));
        Assert.Equal([new MailboxEntry(64, 300)], List(index, "bob"));
        Assert.Equal((2, 2), index.Count());
        Assert.Equal(copy.StoredBytes, index.LiveBytes);
    }

    [Fact]
    public void AppendWhileListedPassesOnlyTheMailboxesWithoutADeleteMark()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice", "bob", "carol"]);
        index.MarkDeleting("bob", [64]);

        StoredMessage? passed = null;
        string[]? mailboxes = null;
        var address = index.AppendWhileListed(64, recordAddress: 64, (message, listed) =>
        {
            (passed, mailboxes) = (message, listed);
            return 4242;
        });

        Assert.Equal(4242, address);
        Assert.Equal(64, passed!.Id);
        Assert.Equal(["alice", "carol"], mailboxes!);
    }

    [Fact]
    public void AppendWhileListedPassesAMailboxAgainOnceItsMarkIsCleared()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice", "bob"]);
        index.MarkDeleting("bob", [64]);
        index.UnmarkDeleting("bob", [64], pendingAddress: -1);

        Assert.Equal(["alice", "bob"], Listed(index, 64, 64));
    }

    [Fact]
    public void AppendWhileListedAppendsNothingWhenEveryListingHasADeleteMark()
    {
        using var index = Open(out _);
        index.Add(Message(64), ["alice", "bob"]);
        index.MarkDeleting("alice", [64]);
        index.MarkDeleting("bob", [64, 128]);

        Assert.Equal(-1, index.AppendWhileListed(64, 64, (_, _) => throw new InvalidOperationException("nothing to append")));
    }

    [Fact]
    public void AppendWhileListedReturnsMinusOneWhenTheRecordAddressIsNotTheStoredOne()
    {
        // Compaction copies a message only from the place it read it: one moved since then is not copied again.
        using var index = Open(out _);
        index.Add(Message(64), ["alice"]);
        Func<StoredMessage, string[], long> mustNotAppend = (_, _) => throw new InvalidOperationException("stored elsewhere");

        Assert.Equal(-1, index.AppendWhileListed(64, recordAddress: 65, mustNotAppend));
        Assert.Equal(-1, index.AppendWhileListed(128, recordAddress: 128, mustNotAppend)); // not stored at all

        index.Relocate(64, new BodyLocation(5000, 20, null, 0), pendingAddress: -1);
        Assert.Equal(-1, index.AppendWhileListed(64, recordAddress: 64, mustNotAppend));
        Assert.Equal(["alice"], Listed(index, 64, 5000));
    }

    [Fact]
    public void RemoveClearsTheDeleteMark()
    {
        // The delete applied: if the message is listed there again later (replay), compaction must copy it with that mailbox.
        using var index = Open(out _);
        var message = Message(64);
        index.Add(message, ["alice", "bob"]);
        index.MarkDeleting("bob", [64]);
        index.Remove("bob", [64]);
        index.Add(message, ["bob"]);

        Assert.Equal(["alice", "bob"], Listed(index, 64, 64));
    }

    [Fact]
    public void AMailboxOfHundredsListsCompletelyAndInOrderAfterItsOldestAreDeleted()
    {
        using var index = Open(out _);
        var ids = Enumerable.Range(1, 200).Select(i => 64L * i).ToList();
        foreach (var id in ids)
        {
            index.Add(Message(id, length: id % 1000), ["alice"]);
        }

        Assert.Equal(ids, List(index, "alice").Select(e => e.Id));

        // The oldest 64 go at once: listing must start past the gap they leave.
        var oldest = ids.Take(Many).ToArray();
        Assert.Null(index.Remove("alice", oldest));
        var remaining = ids.Skip(Many).ToList();
        AssertListing(index, "alice", remaining);

        // And the mailbox goes on taking messages after the gap.
        var later = Enumerable.Range(201, 70).Select(i => 64L * i).ToList();
        foreach (var id in later)
        {
            index.Add(Message(id, length: id % 1000), ["alice"]);
        }

        remaining.AddRange(later);
        AssertListing(index, "alice", remaining);
        Assert.Equal((remaining.Count, 1), index.Count());
    }

    [Fact]
    public void AMailboxWithAGapInTheMiddleListsWhatIsLeft()
    {
        using var index = Open(out _);
        var ids = Enumerable.Range(1, 3 * Many).Select(i => 64L * i).ToList();
        foreach (var id in ids)
        {
            index.Add(Message(id, length: 7), ["alice"]);
        }

        // The middle 64 go, one delete at a time, then most of the last 64.
        var middle = ids.Skip(Many).Take(Many).ToList();
        foreach (var id in middle)
        {
            Assert.Null(index.Remove("alice", [id]));
        }

        var tail = ids.Skip(2 * Many).SkipLast(3).ToArray();
        Assert.Null(index.Remove("alice", tail));

        var remaining = ids.Except(middle).Except(tail).ToList();
        AssertListing(index, "alice", remaining);
        index.Add(Message(100_000, length: 7), ["alice"]);
        AssertListing(index, "alice", [.. remaining, 100_000]);
    }

    [Fact]
    public void ALateMessageWithALowerIdListsInIdOrderAndCanBeRemoved()
    {
        // A commit that finished late is listed after 64 messages with higher ids: the listing still comes in id order.
        using var index = Open(out _);
        var ids = Enumerable.Range(2, Many).Select(i => 64L * i).ToList();
        foreach (var id in ids)
        {
            index.Add(Message(id), ["alice"]);
        }

        index.Add(Message(64), ["alice"]);
        AssertListing(index, "alice", [64, .. ids]);

        Assert.Null(index.Remove("alice", [64]));
        AssertListing(index, "alice", ids);
    }

    [Fact]
    public void AMailboxRemovedToEmptyStartsAgainWhenAMessageArrives()
    {
        using var index = Open(out _);
        var ids = Enumerable.Range(1, 100).Select(i => 64L * i).ToArray();
        foreach (var id in ids)
        {
            index.Add(Message(id), ["alice"]);
        }

        Assert.Null(index.Remove("alice", ids));
        Assert.Equal((0, 0), index.Count());
        Assert.Empty(List(index, "alice"));

        index.Add(Message(100_000), ["alice"]);
        AssertListing(index, "alice", [100_000]);
        Assert.Equal((1, 1), index.Count());
    }

    [Fact]
    public async Task FiveThousandMessagesOutgrowingTheIndexMemoryListTheSameAfterACheckpointAndReopen()
    {
        // 1 MiB of index memory (four 256 KB pages) cannot hold this, so reads and updates go to disk.
        const int Mailboxes = 50;
        var expected = new Dictionary<string, List<MailboxEntry>>(StringComparer.Ordinal);
        for (var m = 0; m < Mailboxes; m++)
        {
            expected[MailboxName(m)] = [];
        }

        (long Listings, long Mailboxes) counts;
        long liveBytes;
        long checkpointed;
        var index = Open(out _);
        try
        {
            for (var i = 1; i <= 5000; i++)
            {
                // Every fifth message also goes to a second mailbox, so some records list two.
                var message = Message(64L * i, length: 100 + (i % 977));
                string[] mailboxes = i % 5 == 0 ? [MailboxName(i), MailboxName(i + 1)] : [MailboxName(i)];
                index.Add(message, mailboxes);
                foreach (var mailbox in mailboxes)
                {
                    expected[mailbox].Add(new MailboxEntry(message.Id, message.Length));
                }
            }

            // The premise: the store's log outgrew its memory.
            Assert.True(index.StoreBytes > Memory, $"index log is {index.StoreBytes} bytes");

            foreach (var (mailbox, entries) in expected)
            {
                var third = entries.Where(e => e.Id / 64 % 3 == 0).ToList();
                Assert.Null(index.Remove(mailbox, third.Select(e => e.Id).ToArray()));
                entries.RemoveAll(third.Contains);
            }

            AssertAllListings(index, expected);
            counts = index.Count();
            liveBytes = index.LiveBytes;
            Assert.Equal(expected.Values.Sum(e => e.Count), counts.Listings);
            Assert.Equal(Mailboxes, counts.Mailboxes);

            checkpointed = await index.CheckpointAsync(committedUntil: 0, full: true);
        }
        finally
        {
            index.Dispose();
        }

        using var reopened = Open(out var covered);
        Assert.Equal(checkpointed, covered);
        AssertAllListings(reopened, expected);
        Assert.Equal(counts, reopened.Count());
        Assert.Equal(liveBytes, reopened.LiveBytes);
        Assert.Null(reopened.Find(64 * 3));
        Assert.Equal(64 * 5, reopened.Find(64 * 5)!.Id);
    }

    [Fact]
    public async Task AReopenedIndexTakesNewAddsAndRemovesWhereTheCheckpointLeftOff()
    {
        // The mailbox records read back from the checkpoint say which entry comes next.
        var ids = Enumerable.Range(1, 100).Select(i => 64L * i).ToList();
        using (var index = Open(out _))
        {
            foreach (var id in ids)
            {
                index.Add(Message(id, length: 10), ["alice"]);
            }

            Assert.Equal(12345, await index.CheckpointAsync(committedUntil: 12345, full: false));
        }

        using var reopened = Open(out var covered);
        Assert.Equal(12345, covered);
        reopened.Add(Message(100_000, length: 10), ["alice"]);
        Assert.Null(reopened.Remove("alice", [64, 6400]));

        var remaining = ids.Skip(1).SkipLast(1).Append(100_000).ToList();
        AssertListing(reopened, "alice", remaining);
        Assert.Equal(10 * remaining.Count, reopened.Usage("alice"));
        Assert.Equal((remaining.Count, 1), reopened.Count());
    }

    [Fact]
    public void AMessageRecordLargerThanTheReadBufferIsReadWholeFromMemoryAndFromDisk()
    {
        // 10,000 body chunks make an 80 KB record, past the store's 64 KB read buffer: FASTER hands back rented memory.
        using var index = Open(out _);
        var chunks = Enumerable.Range(0, 10_000).Select(i => 1_000_000 + (65_600L * i)).ToArray();
        var big = new StoredMessage(64, 10_000L * 65_536, 5, new BodyLocation(800_000_000, 0, chunks, 65_536));
        index.Add(big, ["alice"]);
        Assert.Equal(chunks, index.Find(64)!.Location.ChunkAddresses);

        // Thirty more like it push the first out of the 1 MiB of memory: the read completes from disk.
        for (var i = 2; i <= 31; i++)
        {
            index.Add(new StoredMessage(64L * i, 1, 5, new BodyLocation(64L * i, 0, chunks, 65_536)), ["bob"]);
        }

        Assert.True(index.StoreBytes > 2 * Memory, $"index log is {index.StoreBytes} bytes");
        var read = index.Find(64)!;
        Assert.Equal(chunks, read.Location.ChunkAddresses);
        Assert.Equal(big.Length, read.Length);
        Assert.Equal(800_000_000, read.Location.RecordAddress);
        Assert.Equal([new MailboxEntry(64, big.Length)], List(index, "alice"));

        // A small read after the big one gets its own value, not what is left of the big one.
        index.Add(Message(100_000), ["carol"]);
        Assert.Null(index.Find(100_000)!.Location.ChunkAddresses);
        Assert.Equal(chunks, index.Find(64 * 31)!.Location.ChunkAddresses);
        Assert.Null(index.Remove("alice", [64]));
        Assert.Null(index.Find(64));
    }

    [Fact]
    public async Task ACheckpointThatCannotBeReadIsReportedAndTheIndexStartsEmpty()
    {
        // The caller then replays the whole mail log (covered is -1), which rebuilds every listing.
        using (var index = Open(out _))
        {
            index.Add(Message(64), ["alice"]);
            await index.CheckpointAsync(committedUntil: 100, full: true);
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(_directory, "checkpoints"), "*", SearchOption.AllDirectories))
        {
            File.WriteAllBytes(file, new byte[new FileInfo(file).Length]);
        }

        var reported = new List<Exception>();
        using var reopened = MailIndex.Open(_directory, Memory, out var covered, reported.Add);

        Assert.Single(reported);
        Assert.Equal(-1, covered);
        Assert.Null(reopened.Find(64));
        Assert.Empty(List(reopened, "alice"));
        Assert.Equal((0, 0), reopened.Count());
    }

    private MailIndex Open(out long covered) =>
        MailIndex.Open(_directory, Memory, out covered, e => throw e);

    private static StoredMessage Message(long id, long length = 100) =>
        new(id, length, key: id * 31, new BodyLocation(recordAddress: id, inlineBodyOffset: 20, chunkAddresses: null, chunkLength: 0));

    // Long names make long keys, so 5,000 messages outgrow the 1 MiB of index memory.
    private static string MailboxName(int number) => $"user{number % 50:D2}.with-a-rather-long-mailbox-name-for-the-index@mail.example.com";

    /// <summary>The mailbox's listing (taking and releasing its lock).</summary>
    private static MailboxEntry[] List(MailIndex index, string mailbox)
    {
        var entries = index.TryLock(mailbox) ?? throw new InvalidOperationException($"{mailbox} is locked");
        index.Unlock(mailbox);
        return entries;
    }

    /// <summary>The mailboxes AppendWhileListed passes for the message stored at <paramref name="recordAddress"/>.</summary>
    private static string[] Listed(MailIndex index, long id, long recordAddress)
    {
        string[]? listed = null;
        Assert.Equal(1, index.AppendWhileListed(id, recordAddress, (_, mailboxes) =>
        {
            listed = mailboxes;
            return 1;
        }));
        return listed!;
    }

    private static void AssertListing(MailIndex index, string mailbox, IReadOnlyCollection<long> ids)
    {
        var entries = List(index, mailbox);
        Assert.Equal(ids, entries.Select(e => e.Id));
        Assert.Equal(entries.Sum(e => e.Length), index.Usage(mailbox));
    }

    private static void AssertAllListings(MailIndex index, Dictionary<string, List<MailboxEntry>> expected)
    {
        foreach (var (mailbox, entries) in expected)
        {
            Assert.Equal(entries, List(index, mailbox));
            Assert.Equal(entries.Sum(e => e.Length), index.Usage(mailbox));
        }
    }
}
