using FASTER.core;
using FastMail.Core.IO;
using FastMail.Storage.Log;

namespace FastMail.Storage.Index;

/// <summary>
/// The mailbox index's key-value store: a <c>FasterKV&lt;SpanByte, SpanByte&gt;</c> in <c>mail/kv</c>, whose hybrid log
/// keeps the newest <c>storage.indexMemory</c> bytes of records in memory and the rest on disk, and whose checkpoints
/// (<c>mail/kv/checkpoints</c>) are FASTER's own. Reads, writes and deletes are not thread-safe: <see cref="MailIndex"/>
/// calls them under its lock, so one session serves them all and reads complete synchronously (a record on disk costs
/// one read I/O). <see cref="Compact"/> and <see cref="CheckpointAsync"/> run beside them, on FASTER's own sessions.
/// </summary>
internal sealed class IndexStore : IDisposable
{
    /// <summary>
    /// 256 KB log pages: the largest record, a message with thousands of body chunks, fits one; fixed because a
    /// checkpoint is readable only with the page size it was written with.
    /// </summary>
    private const int PageSizeBits = 18;

    private const int SegmentSizeBits = 28;

    /// <summary>
    /// The hash table gets a quarter of the index memory (16 MB of 64-byte buckets by default), chosen when the store is
    /// created; recovery takes the size a checkpoint was written with. Beyond 7 keys a bucket chains overflow buckets
    /// (64 bytes per 7 keys), so the table grows with the number of messages, about 13 bytes each (two keys per message).
    /// </summary>
    private const int HashShare = 4;

    private const int BucketSize = 64;

    private const int ScratchSize = 1 << 16;

    private readonly IDevice _device;
    private readonly FasterKV<SpanByte, SpanByte> _kv;
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> _session;
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> _fence;
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> _compaction;

    // Pinned: FASTER writes a read's value through a pointer into it, also when the read completes from disk.
    private readonly byte[] _scratch = GC.AllocateArray<byte>(ScratchSize, pinned: true);
    private IMemoryOwnerHolder _spill;

    private IndexStore(string directory, long memoryBytes)
    {
        Directory = directory;
        OwnerOnly.CreateDirectory(CheckpointDirectory);
        // The same wrapper as the mail log's: a new segment's directory entry is synced and its mode made owner-only.
        _device = new SegmentSyncingDevice(Devices.CreateLogDevice(Path.Combine(directory, "index.log"), preallocateFile: false), directory);
        _kv = new FasterKV<SpanByte, SpanByte>(
            Math.Max(memoryBytes, MinimumMemory) / HashShare / BucketSize,
            new LogSettings
            {
                LogDevice = _device,
                PageSizeBits = PageSizeBits,
                SegmentSizeBits = SegmentSizeBits,
                MemorySizeBits = MemoryBits(memoryBytes),
            },
            new CheckpointSettings { CheckpointDir = CheckpointDirectory, RemoveOutdated = true },
            // Explicit, so FASTER's reflection-based comparer lookup (not AOT-safe, see FastMail.csproj) is never taken.
            comparer: new SpanByteComparer(),
            // The lock table is what FASTER's lockable regions (BeginChange) need; its latches are uncontended, since
            // one session under MailIndex's lock does every read and write.
            concurrencyControlMode: ConcurrencyControlMode.LockTable);
        var functions = new SpanByteFunctions<Empty>();
        _session = _kv.For(functions).NewSession<SpanByteFunctions<Empty>>();
        _fence = _kv.For(functions).NewSession<SpanByteFunctions<Empty>>();
        _compaction = _kv.For(functions).NewSession<SpanByteFunctions<Empty>>();
    }

    public string Directory { get; }

    private string CheckpointDirectory => Path.Combine(Directory, "checkpoints");

    /// <summary>Smallest <c>storage.indexMemory</c>: four pages.</summary>
    public static long MinimumMemory => 4L << PageSizeBits;

    /// <summary>
    /// Opens the store in <paramref name="directory"/> and recovers its newest checkpoint; false when there is none to
    /// recover, and then whatever files a run that never checkpointed left are deleted first (the store starts empty).
    /// </summary>
    public static IndexStore Open(string directory, long memoryBytes, out bool recovered)
    {
        recovered = HasCheckpoint(directory);
        if (!recovered)
        {
            Delete(directory);
        }

        var store = new IndexStore(directory, memoryBytes);
        try
        {
            if (recovered)
            {
                store._kv.Recover();
                store.SecureCheckpointFiles(); // recovery opens a delta file in the checkpoint it read
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the store's files: an index that cannot be recovered is rebuilt from the mail log.</summary>
    public static void Delete(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Bytes of index records in the store's log (memory and disk), live or superseded.</summary>
    public long LogBytes => _kv.Log.TailAddress - _kv.Log.BeginAddress;

    public long BeginAddress => _kv.Log.BeginAddress;

    /// <summary>
    /// Disk bytes a checkpoint may write: the index log not yet on disk (a fold-over flushes it), plus, for a full one,
    /// the hash table and its overflow buckets; and a megabyte for metadata.
    /// </summary>
    public long CheckpointBytes(bool full) =>
        (_kv.Log.TailAddress - _kv.Log.SafeReadOnlyAddress)
        + (full ? (_kv.IndexSize + _kv.OverflowBucketCount) * BucketSize : 0)
        + (1L << 20);

    /// <summary>
    /// Copies the live records of the index log below its read-only boundary to the tail and moves the log's begin past
    /// them; returns the new begin. FASTER's lookup compaction runs on a session of its own and copies a record only if
    /// no newer version exists, so reads and writes under <see cref="MailIndex"/>'s lock go on meanwhile. The files
    /// below the new begin are deleted only by <see cref="TruncateLog"/>, after a checkpoint that no longer needs them.
    /// </summary>
    public long Compact() => _compaction.Compact(_kv.Log.SafeReadOnlyAddress, CompactionType.Lookup);

    /// <summary>Deletes the index log's segment files below its begin address.</summary>
    public void TruncateLog() => _kv.Log.Truncate();

    /// <summary>
    /// Reads the value of <paramref name="key"/>; the span is valid until the next call. False when the key has no value.
    /// </summary>
    public unsafe bool TryRead(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        ReleaseSpill();
        fixed (byte* keyPointer = key)
        fixed (byte* scratch = _scratch)
        {
            var keyBytes = SpanByte.FromPointer(keyPointer, key.Length);
            var output = new SpanByteAndMemory(scratch, ScratchSize);
            var status = _session.Read(ref keyBytes, ref output);
            if (status.IsPending)
            {
                _session.CompletePendingWithOutputs(out var completed, wait: true);
                using (completed)
                {
                    if (!completed.Next())
                    {
                        throw new InvalidOperationException("A pending index read completed without a result.");
                    }

                    status = completed.Current.Status;
                    output = completed.Current.Output;
                }
            }

            if (!status.Found)
            {
                value = default;
                return false;
            }

            if (output.IsSpanByte)
            {
                value = new ReadOnlySpan<byte>(scratch, output.SpanByte.Length);
                return true;
            }

            // Larger than the scratch buffer: FASTER rented memory for it, kept until the next call.
            _spill = new IMemoryOwnerHolder(output.Memory);
            value = output.Memory.Memory.Span[..output.Length];
            return true;
        }
    }

    public unsafe void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            var keyBytes = SpanByte.FromPointer(keyPointer, key.Length);
            var valueBytes = SpanByte.FromPointer(valuePointer, value.Length);
            _session.Upsert(ref keyBytes, ref valueBytes);
        }
    }

    public unsafe void Delete(ReadOnlySpan<byte> key)
    {
        fixed (byte* keyPointer = key)
        {
            var keyBytes = SpanByte.FromPointer(keyPointer, key.Length);
            _session.Delete(ref keyBytes);
        }
    }

    /// <summary>
    /// Starts a group of writes that a checkpoint takes whole or not at all: FASTER does not move to a new checkpoint
    /// version while a lockable region is open, and the fence session holds one (it locks no keys).
    /// </summary>
    public void BeginChange() => _fence.LockableContext.BeginLockable();

    public void EndChange() => _fence.LockableContext.EndLockable();

    /// <summary>
    /// Takes a checkpoint of everything written before the call: <paramref name="full"/> also writes the hash table (the
    /// next recovery then replays less of the index log), otherwise only the log. Safe to call while writes go on.
    /// </summary>
    public async Task CheckpointAsync(bool full, Func<string, Task>? testPause = null)
    {
        var started = full
            ? _kv.TryInitiateFullCheckpoint(out _, CheckpointType.FoldOver)
            : _kv.TryInitiateHybridLogCheckpoint(out _, CheckpointType.FoldOver);
        if (!started)
        {
            throw new InvalidOperationException("The index checkpoint did not start: another one is running.");
        }

        if (testPause is not null)
        {
            await testPause("under way").ConfigureAwait(false);
        }

        await _kv.CompleteCheckpointAsync().ConfigureAwait(false);

        SecureCheckpointFiles();
    }

    /// <summary>
    /// FASTER writes checkpoint files through O_SYNC devices with the process umask, and never syncs the directories that
    /// name them: they get owner-only modes and synced entries here.
    /// </summary>
    private void SecureCheckpointFiles()
    {
        foreach (var shared in OwnerOnly.FindShared(CheckpointDirectory))
        {
            if (OperatingSystem.IsWindows())
            {
                break;
            }

            File.SetUnixFileMode(shared, System.IO.Directory.Exists(shared)
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(CheckpointDirectory, "*", SearchOption.AllDirectories))
        {
            DirectorySync.Sync(directory);
        }

        DirectorySync.Sync(CheckpointDirectory);
        DirectorySync.Sync(Directory);
    }

    public void Dispose()
    {
        ReleaseSpill();
        _compaction.Dispose();
        _fence.Dispose();
        _session.Dispose();
        _kv.Dispose();
        _device.Dispose();
    }

    private static bool HasCheckpoint(string directory)
    {
        var checkpoints = Path.Combine(directory, "checkpoints");
        return System.IO.Directory.Exists(checkpoints) && System.IO.Directory.EnumerateDirectories(checkpoints).Any();
    }

    private void ReleaseSpill()
    {
        _spill.Owner?.Dispose();
        _spill = default;
    }

    private static int MemoryBits(long bytes)
    {
        var bits = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(bytes, MinimumMemory));
        return bits;
    }

    private record struct IMemoryOwnerHolder(System.Buffers.IMemoryOwner<byte>? Owner);
}
