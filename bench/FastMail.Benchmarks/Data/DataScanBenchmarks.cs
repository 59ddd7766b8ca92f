using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Smtp.Data;

namespace FastMail.Benchmarks.Data;

/// <summary>
/// DATA reception: the SMTP session's DataScanner finds CRLF "." CRLF and removes transparency dots (RFC 5321 4.5.2)
/// while copying into the session's 16 KB staging buffer, segment by segment, exactly as SmtpSession.ScanData drives
/// it (the store write that follows is left out: it is a copy into the store's buffer). The body is a dot-stuffed
/// message of <see cref="Size"/> bytes with one line in 16 starting with a dot, delivered as one contiguous segment or
/// as 4 KB segments (the pipe's default segment size, so the terminator and stuffed dots straddle segments).
/// One operation is one message; GB/s is stored bytes per second. DESIGN.md: 0 B allocated.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Data, Categories.Budget)]
public class DataScanBenchmarks
{
    private readonly byte[] _staging = new byte[16 * 1024];
    private DataScanner _scanner;
    private ReadOnlySequence<byte> _input;
    private byte[] _stored = [];

    /// <summary>Stored message size in bytes: 1 KB, 100 KB, 10 MB.</summary>
    [Params(1024, 100 * 1024, 10 * 1024 * 1024)]
    public int Size { get; set; }

    /// <summary>Receive segment size in bytes; 0 delivers the whole text as one segment.</summary>
    [Params(0, 4096)]
    public int SegmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stored = SampleMessages.Stored(Size);
        var text = SampleMessages.DotStuffed(_stored);
        _input = Segments.Split(text, SegmentSize == 0 ? text.Length : SegmentSize);

        // The scanner must give back the stored message byte for byte, and stop exactly after the terminator.
        using var output = new MemoryStream();
        var consumed = Scan(output);
        if (consumed != text.Length || !output.ToArray().AsSpan().SequenceEqual(_stored) || _scanner.SawBareLineBreak)
        {
            throw new InvalidOperationException("DataScanner did not reproduce the stored message.");
        }
    }

    [Benchmark]
    public long Scan() => Scan(output: null);

    private long Scan(MemoryStream? output)
    {
        _scanner.Reset();
        long consumed = 0;
        long delivered = 0;
        foreach (var segment in _input)
        {
            var span = segment.Span;
            while (!span.IsEmpty)
            {
                var done = _scanner.Scan(span, _staging, out var used, out var written);
                span = span[used..];
                consumed += used;
                delivered += written;
                output?.Write(_staging, 0, written);
                if (done)
                {
                    return consumed;
                }
            }
        }

        return -delivered;
    }
}
