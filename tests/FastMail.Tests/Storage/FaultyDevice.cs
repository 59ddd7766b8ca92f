using FASTER.core;

namespace FastMail.Tests.Storage;

/// <summary>A log device that passes I/O to FASTER's file device until told to fail writes, as a full disk would.</summary>
internal sealed class FaultyDevice : StorageDeviceBase
{
    // ENOSPC: what a write to a full disk reports.
    private const uint NoSpaceError = 28;
    private readonly IDevice _inner;
    private volatile bool _failWrites;

    public FaultyDevice(string path)
        : this(Devices.CreateLogDevice(path, preallocateFile: false, deleteOnClose: false))
    {
    }

    private FaultyDevice(IDevice inner)
        : base(inner.FileName, inner.SectorSize, inner.Capacity)
    {
        _inner = inner;
    }

    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    public override void Initialize(long segmentSize, LightEpoch epoch = null!, bool omitSegmentIdFromFilename = false)
    {
        base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        _inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        if (_failWrites)
        {
            callback(NoSpaceError, 0, context);
            return;
        }

        _inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);
    }

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
        _inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
        _inner.RemoveSegmentAsync(segment, callback, result);

    public override long GetFileSize(int segment) => _inner.GetFileSize(segment);

    public override bool Throttle() => _inner.Throttle();

    public override void Dispose() => _inner.Dispose();
}
