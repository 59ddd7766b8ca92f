using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Core.Mail;
using FastMail.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Benchmarks.Storage;

/// <summary>
/// Durable appends on the real FasterMailStore: <see cref="Writers"/> concurrent writers each write a message and await
/// its commit (the 250 after DATA waits for exactly this), sharing fsyncs through the group commit. One operation is one
/// durable message, so Mean is the time per message across all writers and Op/s is messages per second.
/// Compare with <see cref="FsyncPerMessageBenchmarks"/>, the one-fsync-per-message baseline.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Storage, Categories.Budget)]
public class DurableAppendBenchmarks
{
    private const int MessagesPerInvoke = 256;
    private static readonly string[] Mailboxes = ["bench"];
    private static readonly Envelope Envelope = Envelopes.For(Mailboxes);

    private byte[] _body = [];
    private Task[] _writers = [];
    private TempDirectory? _directory;
    private FasterMailStore? _store;

    /// <summary>
    /// Concurrent writers: 1, 16, 64. The budget check runs 1 only: one commit per message is deterministic, while how many
    /// writers share a commit (and so each message's share of its allocation) depends on timing.
    /// </summary>
    [ParamsSource(nameof(WriterCounts))]
    public int Writers { get; set; }

    /// <summary>Message size in bytes: 1 KB, 100 KB (the budget check: 1 KB; the allocation per message does not depend on the size).</summary>
    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    public static IEnumerable<int> WriterCounts => BenchMode.IsCheck ? [1] : [1, 16, 64];

    public static IEnumerable<int> Sizes => BenchMode.IsCheck ? [1024] : [1024, 100 * 1024];

    [GlobalSetup]
    public void Setup()
    {
        _body = SampleMessages.Stored(Size);
        _writers = new Task[Writers];
        _directory = new TempDirectory("bench-append");
        var options = new StorageOptions { DataDirectory = _directory.Path };
        _store = FasterMailStore.Open(options, NullLogger.Instance);
        StoreWarmup.Run(_store, options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _directory!.Dispose();
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public Task Append()
    {
        var perWriter = MessagesPerInvoke / Writers;
        for (var i = 0; i < _writers.Length; i++)
        {
            _writers[i] = WriteMessagesAsync(perWriter);
        }

        return Task.WhenAll(_writers);
    }

    private async Task WriteMessagesAsync(int count)
    {
        // Start on the thread pool like a session would, not inline on the benchmark thread.
        await Task.Yield();
        for (var i = 0; i < count; i++)
        {
            using var writer = _store!.BeginMessage();
            writer.Write(_body);
            await writer.CommitAsync(Envelope, Mailboxes, CancellationToken.None);
        }
    }
}
