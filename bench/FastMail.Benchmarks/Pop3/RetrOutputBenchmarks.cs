using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Pop3.Output;

namespace FastMail.Benchmarks.Pop3;

/// <summary>
/// RETR output: a stored message byte-stuffed (RFC 1939 3) into a PipeWriter exactly as the session streams it:
/// 16 KB store chunks through MessageStream, a flush whenever 16 KB are pending, then the terminator. The pipe is drained
/// after each flush, as the transport's send loop would. One operation is one message; GB/s is message bytes per second.
/// DESIGN.md: 0 B allocated.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Data, Categories.Budget)]
public class RetrOutputBenchmarks
{
    private const int StoreChunk = 16 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private byte[] _message = [];
    private long _sent;

    /// <summary>Stored message size in bytes: 1 KB, 100 KB, 10 MB.</summary>
    [Params(1024, 100 * 1024, 10 * 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = SampleMessages.Stored(Size);
        _sent = 0;
        Retr();
        var expected = SampleMessages.DotStuffed(_message).LongLength;
        if (_sent != expected)
        {
            throw new InvalidOperationException($"RETR sent {_sent} bytes, expected {expected}.");
        }
    }

    [Benchmark]
    public void Retr()
    {
        var stream = new MessageStream(index: 0, bodyLines: -1);
        var output = _pipe.Writer;
        while (true)
        {
            var chunk = _message.AsSpan((int)stream.Offset, (int)Math.Min(StoreChunk, _message.Length - stream.Offset));
            if (stream.Accept(chunk.Length, chunk, output))
            {
                break;
            }

            if (stream.TakeFlushDue())
            {
                FlushAndDrain();
            }
        }

        stream.Complete(output);
        FlushAndDrain();
    }

    private void FlushAndDrain()
    {
        // pauseWriterThreshold 0: the flush never waits for the reader, so it completes synchronously.
        var flush = _pipe.Writer.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("A flush waited although the pipe never pauses the writer.");
        }

        if (_pipe.Reader.TryRead(out var result))
        {
            _sent += result.Buffer.Length;
            _pipe.Reader.AdvanceTo(result.Buffer.End);
        }
    }
}
