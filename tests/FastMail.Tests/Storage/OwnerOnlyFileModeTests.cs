using FastMail.Core.IO;
using FastMail.Testing;

namespace FastMail.Tests.Storage;

/// <summary>
/// Mail is private whatever the umask: with umask 000 (every file as its creator asks) the store still creates its
/// directories 0700 and every file 0600, FASTER's log segments and the index's files and checkpoints included.
/// </summary>
[Collection(ProcessUmaskCollection.Name)]
public sealed class OwnerOnlyFileModeTests
{
    [Fact]
    public async Task EveryDirectoryAndFileTheStoreCreatesIsOwnerOnlyEvenUnderUmask000()
    {
        using var umask = ProcessUmask.Permissive();
        await using var store = new TempStore();
        await store.DeliverAsync("Subject: private\r\n\r\nsecret text\r\n", "alice");
        await store.Store.Maintenance.CheckpointAsync(CancellationToken.None);
        await store.ReopenAsync();
        await store.DeliverAsync(new byte[300_000], "alice"); // past the first 1 MB segment: a second one
        await store.DeliverAsync(new byte[900_000], "alice");

        var files = Directory.GetFiles(store.Directory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "mail.log.0");
        Assert.Contains(files, f => Path.GetFileName(f) == "mail.log.1");
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("commit-slot-", StringComparison.Ordinal));
        Assert.Contains(files, f => Path.GetFileName(f) == "index.log.0");
        Assert.Contains(files, f => Path.GetFileName(f) == "info.dat.0");
        Assert.Contains(files, f => Path.GetFileName(f) == "ht.dat.0");
        Assert.Empty(ProcessUmask.NotOwnerOnly(store.Directory));
    }

    [Fact]
    public void OwnerOnlyHelpersCreateExactModesAndFindSharedEntriesUnderUmask000()
    {
        using var umask = ProcessUmask.Permissive();
        var root = Path.Combine(Path.GetTempPath(), "fastmail-modes-" + Guid.NewGuid().ToString("N"));
        try
        {
            OwnerOnly.CreateDirectory(Path.Combine(root, "a", "b"));
            using (new FileStream(Path.Combine(root, "a", "private"), OwnerOnly.NewFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            {
            }

            Assert.Empty(OwnerOnly.FindShared(root));
            Assert.Equal(OwnerOnly.DirectoryMode, new DirectoryInfo(Path.Combine(root, "a", "b")).UnixFileMode);
            Assert.Equal(OwnerOnly.FileMode, new FileInfo(Path.Combine(root, "a", "private")).UnixFileMode);

            File.WriteAllText(Path.Combine(root, "a", "b", "shared"), "x"); // a plain FileStream: 0666 under umask 000
            Assert.Equal([Path.Combine(root, "a", "b", "shared")], OwnerOnly.FindShared(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
