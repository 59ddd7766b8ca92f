using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace FastMail.Transport.Sockets;

/// <summary>
/// One reusable socket operation that can be awaited without allocating (the shape of Kestrel's
/// SocketAwaitableEventArgs). A connection owns one for receiving and one for sending; each runs one
/// operation at a time, so the same instance is reset and reused for every receive or send.
/// </summary>
internal sealed class SocketAwaitableEventArgs : SocketAsyncEventArgs, IValueTaskSource<SocketOperationResult>
{
    // Mutable struct: must stay a non-readonly field.
    private ManualResetValueTaskSourceCore<SocketOperationResult> _source;
    private List<ArraySegment<byte>>? _segments;

    public SocketAwaitableEventArgs()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        // Completions already arrive on a thread-pool thread; running the continuation there saves a hop.
        _source.RunContinuationsAsynchronously = false;
    }

    /// <summary>Receives into <paramref name="buffer"/>; an empty buffer waits until data (or FIN) arrives without taking memory.</summary>
    public ValueTask<SocketOperationResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        _source.Reset();
        SetBuffer(buffer);
        return socket.ReceiveAsync(this) ? new ValueTask<SocketOperationResult>(this, _source.Version) : new ValueTask<SocketOperationResult>(CurrentResult());
    }

    /// <summary>
    /// Sends as much of <paramref name="buffers"/> as the socket takes in one operation; the caller
    /// slices off <see cref="SocketOperationResult.BytesTransferred"/> and calls again for the rest.
    /// </summary>
    public ValueTask<SocketOperationResult> SendAsync(Socket socket, in ReadOnlySequence<byte> buffers)
    {
        _source.Reset();
        if (buffers.IsSingleSegment || !TryUseBufferList(buffers))
        {
            // One segment per operation: either the data is contiguous or it is not array-backed.
            if (BufferList is not null)
            {
                BufferList = null;
            }

            SetBuffer(MemoryMarshal.AsMemory(buffers.First));
        }

        return socket.SendAsync(this) ? new ValueTask<SocketOperationResult>(this, _source.Version) : new ValueTask<SocketOperationResult>(CurrentResult());
    }

    private bool TryUseBufferList(in ReadOnlySequence<byte> buffers)
    {
        _segments ??= new List<ArraySegment<byte>>(8);
        _segments.Clear();
        foreach (var memory in buffers)
        {
            if (!MemoryMarshal.TryGetArray(memory, out var segment))
            {
                _segments.Clear();
                return false;
            }

            _segments.Add(segment);
        }

        // SocketAsyncEventArgs refuses a buffer list while a single buffer is set.
        SetBuffer(null, 0, 0);

        // The setter copies the segments into the args' own reusable list: gather write, one syscall.
        BufferList = _segments;
        return true;
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => _source.SetResult(CurrentResult());

    private SocketOperationResult CurrentResult() => new(BytesTransferred, SocketError);

    SocketOperationResult IValueTaskSource<SocketOperationResult>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<SocketOperationResult>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<SocketOperationResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _source.OnCompleted(continuation, state, token, flags);
}
