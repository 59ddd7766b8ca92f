using System.IO.Pipelines;

namespace FastMail.Tests.Smtp;

/// <summary>Wraps the server side of a connection to count output flushes (PIPELINING: one flush per batch).</summary>
internal sealed class CountingPipe(IDuplexPipe inner) : IDuplexPipe
{
    private readonly CountingWriter _writer = new(inner.Output);

    public PipeReader Input => inner.Input;

    public PipeWriter Output => _writer;

    public int Flushes => _writer.Flushes;

    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            return inner.FlushAsync(cancellationToken);
        }
    }
}
