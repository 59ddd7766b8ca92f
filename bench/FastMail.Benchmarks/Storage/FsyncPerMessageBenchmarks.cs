using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using Microsoft.Win32.SafeHandles;

namespace FastMail.Benchmarks.Storage;

/// <summary>
/// Baseline for <see cref="DurableAppendBenchmarks"/>: the naive durable store, one append and one fsync per message,
/// serialized (what a server without group commit does). One operation is one durable message.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[BenchmarkCategory(Categories.Storage)]
public class FsyncPerMessageBenchmarks
{
    private const int MessagesPerInvoke = 128;

    private byte[] _body = [];
    private TempDirectory? _directory;
    private SafeFileHandle? _file;
    private long _offset;

    /// <summary>Message size in bytes (1 KB, 100 KB).</summary>
    [Params(1024, 100 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _body = SampleMessages.Stored(Size);
        _directory = new TempDirectory("bench-fsync");
    }

    [IterationSetup]
    public void OpenFile()
    {
        // A new file per iteration: every write extends the file, as appends to a log do.
        _file = File.OpenHandle(Path.Combine(_directory!.Path, "messages.log"), FileMode.Create, FileAccess.Write);
        _offset = 0;
    }

    [IterationCleanup]
    public void CloseFile() => _file!.Dispose();

    [GlobalCleanup]
    public void GlobalCleanup() => _directory!.Dispose();

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public void AppendAndFsync()
    {
        for (var i = 0; i < MessagesPerInvoke; i++)
        {
            RandomAccess.Write(_file!, _body, _offset);
            _offset += _body.Length;
            RandomAccess.FlushToDisk(_file!);
        }
    }
}
