using FastMail.Benchmarks.Infrastructure;
using FastMail.Core.Mail;
using FastMail.Storage;

namespace FastMail.Benchmarks.Storage;

/// <summary>
/// Brings a fresh store to its steady state before measuring: FASTER allocates each page of the in-memory log the
/// first time the tail reaches it and reuses the frames after that, so a store that has not yet written its whole
/// memory budget charges a 4 MB page to whichever operation crosses into it. Writing a little more than
/// <see cref="StorageOptions.MemorySizeBits"/> worth of filler first leaves only the steady-state cost to measure.
/// </summary>
internal static class StoreWarmup
{
    private const int FillerSize = 200 * 1024; // inline (below the 256 KB chunk size), so each is one log entry
    private const int Writers = 8;
    private static readonly string[] FillerMailbox = ["warmup-filler"];
    private static readonly Envelope FillerEnvelope = Envelopes.For(FillerMailbox);

    public static void Run(FasterMailStore store, StorageOptions options)
    {
        var filler = new byte[FillerSize];
        var total = (1L << options.MemorySizeBits) + (2L << options.PageSizeBits);
        var perWriter = (int)(total / FillerSize / Writers) + 1;
        var writers = new Task[Writers];
        for (var i = 0; i < Writers; i++)
        {
            writers[i] = Task.Run(async () =>
            {
                for (var m = 0; m < perWriter; m++)
                {
                    using var writer = store.BeginMessage();
                    writer.Write(filler);
                    await writer.CommitAsync(FillerEnvelope, FillerMailbox, CancellationToken.None);
                }
            });
        }

        Task.WaitAll(writers);
    }
}
