using FastMail.Storage.Log;
using FastMail.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Storage;

/// <summary>Disk space for the log is allocated ahead of its tail, without changing what FASTER sees of its files.</summary>
public sealed class LogSpaceReservationTests
{
    [Fact]
    public void OpeningReservesTheTailsStepAndTheNextOnDiskWithoutGrowingTheFiles()
    {
        using var disk = new TmpfsMount(16L << 20);
        var log = Path.Combine(disk.Directory, "mail.log");
        var free = TmpfsMount.FreeBytes(disk.Directory);

        // 1 MB segments: a step is a whole segment, so segments 0 and 1 are reserved.
        var reservation = LogSpaceReservation.Open(log, segmentSizeBits: 20, pageSizeBits: 16, tail: 64, NullLogger.Instance);

        Assert.Equal(2L << 20, reservation.ReservedUntil);
        Assert.Equal(0, new FileInfo(log + ".0").Length);
        Assert.Equal(0, new FileInfo(log + ".1").Length);
        Assert.True(free - TmpfsMount.FreeBytes(disk.Directory) >= 2L << 20, "the blocks are allocated");
    }

    [Fact]
    public void AFullDiskStopsTheReservedEdgeAndReservingAgainAfterSpaceReturnsMovesIt()
    {
        using var disk = new TmpfsMount(8L << 20);
        var log = Path.Combine(disk.Directory, "mail.log");
        var filler = Path.Combine(disk.Directory, "filler");
        File.WriteAllBytes(filler, new byte[TmpfsMount.FreeBytes(disk.Directory) - (1L << 20) - (32 << 10)]);

        var reservation = LogSpaceReservation.Open(log, segmentSizeBits: 20, pageSizeBits: 16, tail: 64, NullLogger.Instance);
        Assert.Equal(1L << 20, reservation.ReservedUntil);

        File.Delete(filler);
        Assert.Equal(2L << 20, reservation.ReserveNow(64));
    }

    [Fact]
    public void WhenLessThanAStepIsFreeThePagesThatFitAreReserved()
    {
        // 1 MB + 300 KB free: the first step fits, the second does not, but four 64 KB pages of it do.
        using var disk = new TmpfsMount(8L << 20);
        var log = Path.Combine(disk.Directory, "mail.log");
        File.WriteAllBytes(Path.Combine(disk.Directory, "filler"), new byte[TmpfsMount.FreeBytes(disk.Directory) - (1L << 20) - (300 << 10)]);

        var reservation = LogSpaceReservation.Open(log, segmentSizeBits: 20, pageSizeBits: 16, tail: 64, NullLogger.Instance);

        Assert.Equal((1L << 20) + (256 << 10), reservation.ReservedUntil);
    }
}
