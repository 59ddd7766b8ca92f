using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FastMail.Storage.Log;

/// <summary>
/// Keeps disk blocks allocated for the log's segment files ahead of its tail, in steps of up to 8 MB (a whole segment if
/// smaller): the step holding the tail and the next one.
/// FASTER treats a failed page write as fatal and refuses every append until restarted, so a disk filled by anyone (mail,
/// logs, another program) would turn into an outage. With the space reserved before the log reaches it, FASTER's writes
/// cannot fail for lack of space; instead an append that would pass the reserved space is refused up front
/// (<see cref="FastMail.Core.Storage.StorageFullException"/>, 452 4.3.1), and reserving is retried until space returns, without a restart.
/// Reservations run in the background, a whole step before they are needed; where the file system cannot reserve
/// (no fallocate), nothing is limited and the free-space reserve (<see cref="FreeSpaceGuard"/>) is the only guard.
/// </summary>
internal sealed class LogSpaceReservation
{
    private static readonly long RetryInterval = Stopwatch.Frequency / 4;
    private readonly string _logPath;
    private readonly int _segmentSizeBits;
    private readonly long _step;
    private readonly long _page;
    private readonly ILogger _logger;
    private long _reservedUntil;
    private readonly Lock _reserving = new();
    private long _nextAttempt;
    private int _scheduled;
    private bool _full;

    private LogSpaceReservation(string logPath, int segmentSizeBits, int pageSizeBits, long tail, ILogger logger)
    {
        _logPath = logPath;
        _segmentSizeBits = segmentSizeBits;
        // A power of two between a page and a segment, so reserved space always ends on a page boundary.
        _step = 1L << Math.Clamp(23, pageSizeBits, segmentSizeBits);
        _page = 1L << pageSizeBits;
        _logger = logger;
        _reservedUntil = tail & ~(_step - 1);
    }

    /// <summary>Log address below which every segment's space is allocated on disk (<see cref="long.MaxValue"/>: not limited).</summary>
    public long ReservedUntil => Volatile.Read(ref _reservedUntil);

    /// <summary>Reserves the tail's step and the next one now; a full disk leaves them for the retries.</summary>
    public static LogSpaceReservation Open(string logPath, int segmentSizeBits, int pageSizeBits, long tail, ILogger logger)
    {
        var reservation = new LogSpaceReservation(logPath, segmentSizeBits, pageSizeBits, tail, logger);
        reservation.ReserveUpTo(reservation.Wanted(tail));
        return reservation;
    }

    /// <summary>Starts reserving in the background when less than a whole step is reserved past the tail's step.</summary>
    public void KeepAhead(long tail)
    {
        var wanted = Wanted(tail);
        if (Volatile.Read(ref _reservedUntil) >= wanted || Stopwatch.GetTimestamp() < Volatile.Read(ref _nextAttempt)
            || Interlocked.Exchange(ref _scheduled, 1) != 0)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            try
            {
                lock (_reserving)
                {
                    ReserveUpTo(wanted);
                }
            }
            finally
            {
                Volatile.Write(ref _scheduled, 0);
            }
        });
    }

    /// <summary>
    /// Reserves up to a step past the tail's step now, on the caller's thread, and returns the reserved edge: for an
    /// append that does not fit, so that the first message after space returns is taken, not refused by a retry timer.
    /// </summary>
    public long ReserveNow(long tail)
    {
        // Waits for a background attempt in progress: under a fast stream of large messages the tail can reach the
        // reserved edge while the next step is still being allocated.
        lock (_reserving)
        {
            ReserveUpTo(Wanted(tail));
        }

        return ReservedUntil;
    }

    private long Wanted(long tail) => ((tail / _step) + 2) * _step;

    private void ReserveUpTo(long wanted)
    {
        while (Volatile.Read(ref _reservedUntil) < wanted)
        {
            // The step at the reserved edge; on the tail's own step fallocate adds only the blocks still missing.
            var from = Volatile.Read(ref _reservedUntil);
            var segment = from >> _segmentSizeBits;
            var path = _logPath + "." + segment.ToString(CultureInfo.InvariantCulture);
            var offset = from & ((1L << _segmentSizeBits) - 1);
            var length = Math.Min(_step, (1L << _segmentSizeBits) - offset);
            FileReservation.Result result;
            int errno;

            // Nearly full: take what fits, halving down to one page (a page-aligned edge stays page-aligned), so a few MB
            // of free space still take mail.
            while ((result = FileReservation.Reserve(path, offset, length, out errno)) == FileReservation.Result.NoSpace && length > _page)
            {
                length /= 2;
            }

            switch (result)
            {
                case FileReservation.Result.Reserved:
                    Volatile.Write(ref _reservedUntil, from + length);
                    if (_full)
                    {
                        _full = false;
                        StorageLog.SegmentReserved(_logger, path);
                    }

                    break;
                case FileReservation.Result.Unsupported:
                    Volatile.Write(ref _reservedUntil, long.MaxValue);
                    StorageLog.SegmentReservationUnsupported(_logger, path);
                    return;
                default:
                    Volatile.Write(ref _nextAttempt, Stopwatch.GetTimestamp() + RetryInterval);
                    if (!_full)
                    {
                        _full = true;
                        StorageLog.SegmentReservationFailed(_logger, path, errno);
                    }

                    return;
            }
        }
    }
}
