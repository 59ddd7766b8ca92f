using FastMail.Storage;
using FastMail.Storage.Backup;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage.Backup;

/// <summary>
/// The log snapshot on a store with small pages (64 KB) and segments (1 MB): a backup after compaction (begin address
/// past the first segments) spanning several segments restores the same messages byte for byte, and a message still
/// being written when the backup starts is absent from it, not half there.
/// </summary>
public sealed class MailLogBackupTests : IDisposable
{
    private static readonly string[] Mailboxes = ["alice", "bob", "carol"];
    private readonly TempDirectory _temp = new("logbackup");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BackupOfACompactedMultiSegmentLogRestoresTheSameMessages()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 0, 300);
        await DeleteSomeAsync(store, keepEvery: 5);
        await store.Store.Maintenance.CompactAsync(CancellationToken.None);
        await FillAsync(store, 300, 250);
        var begin = store.Store.Log.BeginAddress;
        Assert.True(begin >= 1 << 20, $"compaction left the begin at {begin}");
        Assert.True(store.Store.Log.CommittedUntilAddress - begin > 2 << 20, "the log spans several segments");
        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);

        var (manifest, backup) = await BackupAsync(store.Store);

        Assert.Equal(begin, manifest.LogBeginAddress);
        Assert.Equal(store.Store.Log.CommittedUntilAddress, manifest.LogCommittedAddress);
        Assert.DoesNotContain(manifest.Files, f => f.Path == "mail/mail.log.0");
        Assert.True(manifest.Files.Count(f => f.Path.StartsWith("mail/mail.log.", StringComparison.Ordinal)) >= 3);
        Assert.DoesNotContain(manifest.Files, f => f.Path.StartsWith("mail/kv", StringComparison.Ordinal));
        var restored = await RestoreAsync(backup, manifest);
        await using var copy = store.OpenCopy(restored);
        Assert.Equal(manifest.LogCommittedAddress, copy.Log.TailAddress);
        Assert.Equal(expected, await TempStore.ContentsAsync(copy, Mailboxes));
    }

    [Fact]
    public async Task MessageStillBeingWrittenWhenTheBackupStartsIsAbsentNotHalfThere()
    {
        await using var store = new TempStore(FasterMailStoreCheckpointTests.NoBackground);
        await FillAsync(store, 0, 40);
        using var writer = store.Store.BeginMessage();

        // Several 16 KB chunks reach the log (and are committed with other records) before the message's own commit.
        writer.Write(FasterMailStoreDurabilityTests.RandomBytes(200_000, seed: 99));
        await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(3000, seed: 98), "alice");
        var expected = await TempStore.ContentsAsync(store.Store, Mailboxes);

        var (manifest, backup) = await BackupAsync(store.Store);
        await writer.CommitAsync(["alice"], CancellationToken.None);
        Assert.NotEqual(expected, await TempStore.ContentsAsync(store.Store, Mailboxes));

        var restored = await RestoreAsync(backup, manifest);
        await using var copy = store.OpenCopy(restored);
        Assert.Equal(expected, await TempStore.ContentsAsync(copy, Mailboxes));

        // The restored store takes new mail after the backup's tail.
        using (var next = copy.BeginMessage())
        {
            next.Write("Subject: after restore\r\n\r\nhello\r\n"u8);
            await next.CommitAsync(["carol"], CancellationToken.None);
        }

        Assert.Equal(expected.Count + 1, (await TempStore.ContentsAsync(copy, Mailboxes)).Count);
    }

    private async Task<(BackupManifest Manifest, string Directory)> BackupAsync(FasterMailStore store)
    {
        var writer = BackupWriter.Create(_temp.File("backup-" + Guid.NewGuid().ToString("N")));
        var snapshot = await MailLogBackup.CopyAsync(store, writer, CancellationToken.None);
        var manifest = writer.Complete("test", snapshot.TakenUtc, snapshot.BeginAddress, snapshot.CommittedAddress);
        Assert.Equal(manifest, BackupManifest.Read(writer.Directory), BackupManifestComparer.Instance);
        manifest.Verify(writer.Directory);
        return (manifest, writer.Directory);
    }

    private async Task<string> RestoreAsync(string backup, BackupManifest manifest)
    {
        var target = _temp.File("restored-" + Guid.NewGuid().ToString("N"));
        await MailStoreRestore.CopyFilesAsync(backup, manifest, target, CancellationToken.None);
        return target;
    }

    private static async Task FillAsync(TempStore store, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            var length = i % 10 == 0 ? 40_000 + (i * 101) : 2000 + (i * 397 % 9000);
            await store.DeliverAsync(FasterMailStoreDurabilityTests.RandomBytes(length, seed: i), i % 4 == 0 ? [Mailboxes[i % 3]] : [Mailboxes[i % 3], Mailboxes[(i + 1) % 3]]);
        }
    }

    private static async Task DeleteSomeAsync(TempStore store, int keepEvery)
    {
        foreach (var mailbox in Mailboxes)
        {
            await using var session = await store.OpenAsync(mailbox);
            await session.CommitDeletesAsync(Enumerable.Range(0, session.Count).Where(i => i % keepEvery != 0).ToArray(), CancellationToken.None);
        }
    }

    /// <summary>Manifests compare by their listed values (the file list is a collection, not a reference).</summary>
    private sealed class BackupManifestComparer : IEqualityComparer<BackupManifest>
    {
        public static readonly BackupManifestComparer Instance = new();

        public bool Equals(BackupManifest? x, BackupManifest? y) =>
            x is not null && y is not null && x with { Files = [] } == y with { Files = [] } && x.Files.SequenceEqual(y.Files);

        public int GetHashCode(BackupManifest obj) => obj.LogCommittedAddress.GetHashCode();
    }
}
