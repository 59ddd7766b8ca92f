using FASTER.core;

namespace FastMail.AotSmoke;

/// <summary>
/// The three stores under DIR, opened the same way by both phases: DIR/kv (FasterKV&lt;SpanByte,SpanByte&gt;),
/// DIR/long-kv (FasterKV&lt;long,long&gt;), DIR/log (FasterLog). Pages are small (4 KB, 64 KB in memory) so a thousand
/// records spill to disk and verify reads through FASTER's pending (disk) path too, not only memory.
/// </summary>
internal sealed class SmokeStores : IDisposable
{
    private readonly IDevice _kvDevice;
    private readonly IDevice _longKvDevice;
    private readonly IDevice _logDevice;

    private SmokeStores(string directory)
    {
        _kvDevice = Devices.CreateLogDevice(Path.Combine(directory, "kv", "hlog.log"), preallocateFile: false);
        _longKvDevice = Devices.CreateLogDevice(Path.Combine(directory, "long-kv", "hlog.log"), preallocateFile: false);
        _logDevice = Devices.CreateLogDevice(Path.Combine(directory, "log", "entries.log"), preallocateFile: false);
        Kv = new FasterKV<SpanByte, SpanByte>(
            1L << 12,
            new LogSettings { LogDevice = _kvDevice, PageSizeBits = 12, MemorySizeBits = 16 },
            new CheckpointSettings { CheckpointDir = Path.Combine(directory, "kv", "checkpoints") });
        LongKv = new FasterKV<long, long>(
            1L << 12,
            new LogSettings { LogDevice = _longKvDevice, PageSizeBits = 12, MemorySizeBits = 16 },
            new CheckpointSettings { CheckpointDir = Path.Combine(directory, "long-kv", "checkpoints") });
        // The constructor recovers the log from its latest commit in LogCommitDir, if there is one.
        Log = new FasterLog(new FasterLogSettings
        {
            LogDevice = _logDevice,
            LogCommitDir = Path.Combine(directory, "log"),
            PageSizeBits = 12,
            MemorySizeBits = 16,
            SegmentSizeBits = 20,
        });
    }

    public FasterKV<SpanByte, SpanByte> Kv { get; }

    public FasterKV<long, long> LongKv { get; }

    public FasterLog Log { get; }

    public static SmokeStores Open(string directory) => new(directory);

    public ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> NewKvSession() =>
        Kv.For(new SpanByteFunctions_ByteArrayOutput<Empty>()).NewSession<SpanByteFunctions_ByteArrayOutput<Empty>>();

    public ClientSession<long, long, long, long, Empty, SimpleFunctions<long, long>> NewLongKvSession() =>
        LongKv.For(new SimpleFunctions<long, long>()).NewSession<SimpleFunctions<long, long>>();

    public void Dispose()
    {
        Log.Dispose();
        LongKv.Dispose();
        Kv.Dispose();
        _logDevice.Dispose();
        _longKvDevice.Dispose();
        _kvDevice.Dispose();
    }
}
