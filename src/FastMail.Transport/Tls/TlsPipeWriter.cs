using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace FastMail.Transport.Tls;

/// <summary>
/// The writer a handler sees on a TLS connection: the stream writer over the <see cref="System.Net.Security.SslStream"/>,
/// plus the one thing it cannot say by itself: once the transport can no longer send, a flush reports
/// <see cref="FlushResult.IsCompleted"/>, exactly like a flush on a plaintext connection. A session
/// therefore handles a vanished peer the same way with or without TLS.
/// </summary>
internal sealed class TlsPipeWriter(PipeWriter inner, DuplexPipeStream transport) : PipeWriter
{
    private static readonly FlushResult s_ended = new(isCanceled: false, isCompleted: true);

    public override void Advance(int bytes) => inner.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> flushing;
        try
        {
            flushing = inner.FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (IsBrokenStream(exception))
        {
            return new ValueTask<FlushResult>(s_ended);
        }

        if (flushing.IsCompletedSuccessfully)
        {
            return new ValueTask<FlushResult>(Adjust(flushing.Result));
        }

        return AwaitAsync(flushing);
    }

    // A TLS session broken by the peer (or by a read that failed) cannot send any more: the same
    // answer as a flush to a plaintext connection whose peer has gone.
    private static bool IsBrokenStream(Exception exception) => exception is IOException or AuthenticationException;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> AwaitAsync(ValueTask<FlushResult> flushing)
    {
        try
        {
            return Adjust(await flushing);
        }
        catch (Exception exception) when (IsBrokenStream(exception))
        {
            return s_ended;
        }
    }

    private FlushResult Adjust(FlushResult result)
        => transport.PeerGone && !result.IsCompleted ? new FlushResult(result.IsCanceled, isCompleted: true) : result;
}
