using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace FastMail.Transport.Tls;

/// <summary>
/// The reader a handler sees on a TLS connection: the stream reader over the <see cref="System.Net.Security.SslStream"/>,
/// except that a broken TLS stream (a forged or corrupt record, a fatal alert, a reset) ends the input
/// the way a reset ends a plaintext connection's input: a completed, empty read rather than an
/// exception. A client's bytes therefore cannot make a session throw, with or without TLS
/// (DESIGN contract 4); the transport logs the cause at debug.
/// </summary>
internal sealed class TlsPipeReader(PipeReader inner, Action<Exception> onBroken) : PipeReader
{
    private static readonly ReadResult s_ended = new(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    private bool _broken;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_broken)
        {
            return new ValueTask<ReadResult>(s_ended);
        }

        ValueTask<ReadResult> reading;
        try
        {
            reading = inner.ReadAsync(cancellationToken);
        }
        catch (Exception exception) when (IsBrokenStream(exception))
        {
            return new ValueTask<ReadResult>(Break(exception));
        }

        return reading.IsCompletedSuccessfully ? reading : AwaitAsync(reading);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_broken)
        {
            result = s_ended;
            return true;
        }

        return inner.TryRead(out result);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        // After a break the caller advances within the empty sequence it was given; nothing to do.
        if (!_broken)
        {
            inner.AdvanceTo(consumed, examined);
        }
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private static bool IsBrokenStream(Exception exception) => exception is IOException or AuthenticationException;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> AwaitAsync(ValueTask<ReadResult> reading)
    {
        try
        {
            return await reading;
        }
        catch (Exception exception) when (IsBrokenStream(exception))
        {
            return Break(exception);
        }
    }

    private ReadResult Break(Exception exception)
    {
        _broken = true;
        onBroken(exception);
        return s_ended;
    }
}
