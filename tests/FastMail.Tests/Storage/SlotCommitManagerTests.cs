using FastMail.Storage.Log;
using FASTER.core;

namespace FastMail.Tests.Storage;

/// <summary>FasterLog's commit metadata in two in-place slots: the newest intact slot wins, a torn one is skipped.</summary>
public sealed class SlotCommitManagerTests : IDisposable
{
    private readonly string _directory = TempDirectory.Create("slots");

    public void Dispose() => TempDirectory.DeleteQuietly(_directory);

    [Fact]
    public void CommitsAlternateBetweenTwoSlotsAndTheNewestIsListedFirstAfterReopening()
    {
        using (var manager = new SlotCommitManager(_directory))
        {
            for (var commit = 1; commit <= 3; commit++)
            {
                manager.Commit(64, 64 * commit, Metadata(commit), commit, forceWriteMetadata: false);
            }
        }

        Assert.Equal(2, Directory.GetFiles(_directory).Length);
        using var reopened = new SlotCommitManager(_directory);
        Assert.Equal([3, 2], reopened.ListCommits());
        Assert.Equal(Metadata(3), reopened.GetCommitMetadata(3));
        Assert.Equal(Metadata(2), reopened.GetCommitMetadata(2));
        Assert.Null(reopened.GetCommitMetadata(1));
    }

    [Fact]
    public void AWriteAfterReopeningOverwritesTheOlderSlotNotTheNewest()
    {
        using (var manager = new SlotCommitManager(_directory))
        {
            manager.Commit(64, 128, Metadata(1), 1, forceWriteMetadata: false);
            manager.Commit(64, 256, Metadata(2), 2, forceWriteMetadata: false);
        }

        using (var manager = new SlotCommitManager(_directory))
        {
            manager.Commit(64, 512, Metadata(3), 3, forceWriteMetadata: false);
        }

        using var reopened = new SlotCommitManager(_directory);
        Assert.Equal([3, 2], reopened.ListCommits());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(25)]
    public void ATornNewestSlotIsSkippedAndTheOlderOneIsRecovered(int flippedByte)
    {
        // A power loss in the middle of the newest slot's write: its checksum no longer matches.
        using (var manager = new SlotCommitManager(_directory))
        {
            manager.Commit(64, 128, Metadata(1), 1, forceWriteMetadata: false);
            manager.Commit(64, 256, Metadata(2), 2, forceWriteMetadata: false);
        }

        var newest = Path.Combine(_directory, "commit-slot-1");
        var bytes = File.ReadAllBytes(newest);
        bytes[flippedByte] ^= 0x40;
        File.WriteAllBytes(newest, bytes);

        using var reopened = new SlotCommitManager(_directory);
        Assert.Equal([1], reopened.ListCommits());
        Assert.Equal(Metadata(1), reopened.GetCommitMetadata(1));
    }

    [Fact]
    public void AShorterPayloadOverALongerOneReadsBackExactly()
    {
        using (var manager = new SlotCommitManager(_directory))
        {
            manager.Commit(64, 128, new byte[300], 1, forceWriteMetadata: false);
            manager.Commit(64, 256, new byte[300], 2, forceWriteMetadata: false);
            manager.Commit(64, 512, Metadata(3), 3, forceWriteMetadata: false);
        }

        using var reopened = new SlotCommitManager(_directory);
        Assert.Equal(Metadata(3), reopened.GetCommitMetadata(3));
    }

    [Fact]
    public void RemoveAllCommitsLeavesNothingToRecover()
    {
        using (var manager = new SlotCommitManager(_directory))
        {
            manager.Commit(64, 128, Metadata(1), 1, forceWriteMetadata: false);
            manager.Commit(64, 256, Metadata(2), 2, forceWriteMetadata: false);
            manager.RemoveAllCommits();
        }

        using var reopened = new SlotCommitManager(_directory);
        Assert.Empty(reopened.ListCommits());
    }

    [Fact]
    public void ADirectoryWrittenByFastersOwnManagerIsReadUntilTheFirstSlotCommitThenItsFilesGo()
    {
        // A data directory from before the slots: FASTER's commit files under log-commits.
        using (var legacy = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(_directory), removeOutdated: false))
        {
            legacy.Commit(64, 4096, Metadata(7), 7, forceWriteMetadata: true);
        }

        var legacyDirectory = Path.Combine(_directory, "log-commits");
        Assert.True(Directory.Exists(legacyDirectory));

        using var manager = new SlotCommitManager(_directory);
        Assert.Equal([7], manager.ListCommits());
        Assert.Equal(Metadata(7), manager.GetCommitMetadata(7)!.AsSpan(0, Metadata(7).Length).ToArray());

        manager.Commit(64, 8192, Metadata(8), 8, forceWriteMetadata: false);
        Assert.False(Directory.Exists(legacyDirectory));
        Assert.Equal([8], manager.ListCommits());
    }

    [Fact]
    public void InFastCommitModeUnforcedMetadataIsWrittenFirstThenOnlyEveryFewCommitsOrMegabytes()
    {
        using (var manager = new SlotCommitManager(_directory, fastCommitMode: true))
        {
            // The first commit is always written (without metadata recovery would not know the log exists), the next
            // ones are covered by the commit records inside the log until the window closes.
            for (var commit = 1; commit <= SlotCommitManager.FastCommitMetadataEvery; commit++)
            {
                manager.Commit(64, 64 * commit, Metadata(commit), commit, forceWriteMetadata: false);
            }
        }

        using (var reopened = new SlotCommitManager(_directory, fastCommitMode: true))
        {
            Assert.Equal([1], reopened.ListCommits());
            var next = SlotCommitManager.FastCommitMetadataEvery + 1;
            reopened.Commit(64, 64 * next, Metadata(next), next, forceWriteMetadata: false);
            Assert.Equal([next, 1], reopened.ListCommits());

            // A forced commit (FASTER forces one when the log's begin address moves) is written at once...
            reopened.Commit(128, 64 * (next + 1), Metadata(next + 1), next + 1, forceWriteMetadata: true);
            Assert.Equal(next + 1, reopened.ListCommits().First());

            // ...and so is one that puts more than the byte window of log behind the last written metadata.
            reopened.Commit(128, 64 * (next + 1) + SlotCommitManager.FastCommitMetadataBytes, Metadata(next + 2), next + 2, forceWriteMetadata: false);
            Assert.Equal(next + 2, reopened.ListCommits().First());
        }
    }

    [Fact]
    public void OutsideFastCommitModeEveryCommitIsWritten()
    {
        using var manager = new SlotCommitManager(_directory);
        for (var commit = 1; commit <= 3; commit++)
        {
            manager.Commit(64, 64 * commit, Metadata(commit), commit, forceWriteMetadata: false);
            Assert.Equal(commit, manager.ListCommits().First());
        }
    }

    private static byte[] Metadata(int commit) => [.. Enumerable.Range(0, 40).Select(i => (byte)(i * commit))];
}
