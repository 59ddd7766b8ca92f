using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace FastMail.Transport.Tls;

/// <summary>
/// The connection's plaintext pipes as the <see cref="Stream"/> that <see cref="System.Net.Security.SslStream"/>
/// reads ciphertext from and writes ciphertext to. Reads copy straight out of the pipe's buffers and
/// use a pooled state machine, so the steady state allocates nothing per read. Each write is flushed
/// at once (a TLS record is a unit the peer needs whole). Once the transport can no longer send
/// (the send side completed), writes are discarded and <see cref="PeerGone"/> turns true, so the
/// layer above reports completion the same way a plaintext flush does.
/// </summary>
internal sealed class DuplexPipeStream(PipeReader reader, PipeWriter writer) : Stream
{
    private volatile bool _peerGone;

    /// <summary>True once a flush to the plaintext pipe reported that nobody sends any more.</summary>
    public bool PeerGone => _peerGone;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ReadCoreAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadCoreAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_peerGone)
        {
            return default;
        }

        writer.Write(buffer.Span);
        var flushing = writer.FlushAsync(cancellationToken);
        if (flushing.IsCompletedSuccessfully)
        {
            Observe(flushing.Result);
            return default;
        }

        return AwaitFlushAsync(flushing);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous calls exist only because Stream demands them; the TLS layer here is used
    // asynchronously throughout, so these block only if a caller insists.
    public override int Read(byte[] buffer, int offset, int count)
        => ReadCoreAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count)
        => WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    // Every write is already flushed.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadCoreAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var data = result.Buffer;
            if (destination.IsEmpty && !data.IsEmpty)
            {
                // A zero-byte read waits for data without taking any; leave it all unexamined.
                reader.AdvanceTo(data.Start);
                return 0;
            }

            if (!data.IsEmpty)
            {
                var count = (int)Math.Min(data.Length, destination.Length);
                data.Slice(0, count).CopyTo(destination.Span);
                reader.AdvanceTo(data.GetPosition(count));
                return count;
            }

            reader.AdvanceTo(data.End);
            if (result.IsCompleted)
            {
                // The peer closed (or reset, or the connection was aborted): end of stream.
                return 0;
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The read from the connection was cancelled.");
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flushing) => Observe(await flushing);

    private void Observe(FlushResult result)
    {
        if (result.IsCompleted)
        {
            _peerGone = true;
        }
    }
}
