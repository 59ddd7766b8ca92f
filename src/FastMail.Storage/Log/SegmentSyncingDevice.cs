using System.Collections.Concurrent;
using FASTER.core;
using FastMail.Core.IO;

namespace FastMail.Storage.Log;

/// <summary>
/// Wraps the log device so that the first write into each segment file is reported complete only after the directory
/// holding the file is fsync'd: FASTER creates segment files lazily and never syncs their directory entries, so without
/// this a power loss could drop a whole fresh segment of acknowledged mail. Costs one directory fsync per segment
/// per process; every other call passes straight through.
/// </summary>
internal sealed class SegmentSyncingDevice : StorageDeviceBase
{
    // EIO: reported to FASTER as the write's error when the directory cannot be synced.
    private const uint IoError = 5;
    private readonly IDevice _inner;
    private readonly string _directory;
    private readonly ConcurrentDictionary<int, bool> _syncedSegments = new();

    public SegmentSyncingDevice(IDevice inner, string directory)
        : base(inner.FileName, inner.SectorSize, inner.Capacity)
    {
        _inner = inner;
        _directory = directory;
    }

    public override void Initialize(long segmentSize, LightEpoch epoch = null!, bool omitSegmentIdFromFilename = false)
    {
        base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        _inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        if (_syncedSegments.ContainsKey(segmentId))
        {
            _inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);
            return;
        }

        _inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, (errorCode, numBytes, state) =>
        {
            if (errorCode == 0)
            {
                try
                {
                    // FASTER created the file with the process umask; mail stays owner-only whatever that is.
                    OwnerOnly.Restrict(SegmentPath(segmentId));
                    DirectorySync.Sync(_directory);
                    _syncedSegments.TryAdd(segmentId, true);
                }
                catch (IOException)
                {
                    errorCode = IoError;
                }
            }

            callback(errorCode, numBytes, state);
        }, context);
    }

    private string SegmentPath(int segmentId) => _inner.FileName + "." + segmentId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
        _inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
        _inner.RemoveSegmentAsync(segment, callback, result);

    // Truncation goes to the inner device as a whole: it knows which segments it holds (this wrapper's own segment
    // bookkeeping starts empty and would skip the segments a previous process created).
    public override void TruncateUntilAddressAsync(long toAddress, AsyncCallback callback, IAsyncResult result) =>
        _inner.TruncateUntilAddressAsync(toAddress, callback, result);

    public override void TruncateUntilAddress(long toAddress) => _inner.TruncateUntilAddress(toAddress);

    public override long GetFileSize(int segment) => _inner.GetFileSize(segment);

    public override bool Throttle() => _inner.Throttle();

    public override void Dispose() => _inner.Dispose();
}
