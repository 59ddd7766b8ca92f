namespace FastMail.Storage;

/// <summary>Settings of the FASTER mail store. Sizes are powers of two given in bits, as FASTER takes them.</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// Root data directory (required). The store keeps its log segments and commit files in <c>DataDirectory/mail</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// Log page size in bits. Default 22 (4 MB). Every log entry must fit in one page, so this bounds
    /// <see cref="ChunkSize"/> and the recipient list of one message; bigger pages cost memory, smaller ones more I/O calls.
    /// </summary>
    public int PageSizeBits { get; set; } = 22;

    /// <summary>
    /// Log segment (file) size in bits. Default 26 (64 MB files). Compaction reclaims space by deleting whole segments, so
    /// after everything is deleted up to one segment of dead space remains: smaller segments bound disk use closer to
    /// the live data, larger ones create fewer files.
    /// </summary>
    public int SegmentSizeBits { get; set; } = 26;

    /// <summary>
    /// In-memory part of the log in bits. Default 26 (64 MB, 16 pages of 4 MB). Must hold at least two pages; more memory
    /// absorbs bursts of large messages before writers wait for page flushes.
    /// </summary>
    public int MemorySizeBits { get; set; } = 26;

    /// <summary>
    /// Bodies up to this size are stored inline in their commit record (one log entry); larger bodies are appended as
    /// chunk entries of this size while they arrive. Default 256 KiB. It is also the writer's buffer size and the unit a
    /// reader fetches from the log. At most half a page.
    /// </summary>
    public int ChunkSize { get; set; } = 256 * 1024;

    /// <summary>
    /// FASTER's fast commit mode (commit metadata written into the log itself, needs per-entry checksums, which are always
    /// on here). Default true: shorter commit latency, and recovery needs only the log segments: it scans forward from the
    /// last commit file it finds, so losing commit files (FASTER never fsyncs their directory) loses nothing. Off, recovery
    /// stops at the newest surviving commit file, which after a power loss may predate acknowledged mail.
    /// </summary>
    public bool FastCommitMode { get; set; } = true;

    /// <summary>
    /// Memory for the mailbox index (FasterKV's in-memory log; rounded down to a power of two, at least 1 MiB). Default
    /// 64 MiB. Index records beyond it live in <c>mail/kv</c> on disk and cost a read when used; the hash table on top
    /// grows with the number of stored messages (about 13 bytes each: 125 MB at 10 million).
    /// </summary>
    public long IndexMemory { get; set; } = 64L << 20;

    /// <summary>
    /// Checkpoint the index when the log has grown this many bytes since the last checkpoint. Default 64 MiB. Restart
    /// replays at most about that much log, so smaller means faster restarts and more checkpoint writes.
    /// </summary>
    public long CheckpointIntervalBytes { get; set; } = 64L << 20;

    /// <summary>Write an index checkpoint at least this often while the log changes. Default 5 minutes.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Compact when the log holds more than this many bytes of deleted mail. Default 64 MiB; together with
    /// <see cref="CompactionDeadRatio"/> it bounds disk use to about twice the live mail plus this much.
    /// </summary>
    public long CompactionMinDeadBytes { get; set; } = 64L << 20;

    /// <summary>Compact only when deleted mail is at least this share of the log. Default 0.5: each live byte is copied about once per halving.</summary>
    public double CompactionDeadRatio { get; set; } = 0.5;

    /// <summary>How often the background task checks whether to checkpoint or compact. Default 1 s; zero turns the background task off (tests).</summary>
    public TimeSpan MaintenancePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// New mail is refused (<see cref="FastMail.Core.Storage.StorageFullException"/>, which SMTP answers with 452 4.3.1) while the file
    /// system holding the log has less than this many bytes free. Default 64 MiB: room for the log pages still in memory
    /// and for index checkpoints, so the log never fails a write for lack of space (FASTER cannot recover from a failed
    /// write without a restart). Deletes and compaction are never refused: they are how space comes back. 0 turns it off.
    /// </summary>
    public long MinFreeBytes { get; set; } = 64L << 20;

    /// <summary>Most idle message writers kept for reuse. Default 64.</summary>
    public int MaxPooledWriters { get; set; } = 64;

    /// <summary>
    /// Test seam for kill -9 tests of the published binary (environment variable FASTMAIL_TEST_CHECKPOINT_PAUSE_MS): each
    /// index checkpoint logs and waits this long twice, once after recording the address it covers and before FASTER's
    /// checkpoint starts, once while FASTER's checkpoint is under way. Zero (the default) never pauses.
    /// </summary>
    public TimeSpan CheckpointTestPause { get; set; }

    /// <summary>Test seam: builds the log device from its file path (fault injection); null uses FASTER's local file device.</summary>
    internal Func<string, FASTER.core.IDevice>? DeviceFactory { get; set; }

    internal string MailDirectory => Path.Combine(DataDirectory, "mail");

    /// <summary>The index's FasterKV files and checkpoints.</summary>
    internal string IndexDirectory => Path.Combine(MailDirectory, "kv");

    /// <summary>Where builds before the FasterKV index kept their own index checkpoints; deleted once converted.</summary>
    internal string LegacyIndexDirectory => Path.Combine(MailDirectory, "index");

    internal int PageSize => 1 << PageSizeBits;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("StorageOptions.DataDirectory is required.", nameof(DataDirectory));
        }

        if (PageSizeBits is < 12 or > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSizeBits), PageSizeBits, "Must be between 12 and 30.");
        }

        if (SegmentSizeBits < PageSizeBits || SegmentSizeBits > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSizeBits), SegmentSizeBits, "Must be at least PageSizeBits and at most 40.");
        }

        if (MemorySizeBits <= PageSizeBits || MemorySizeBits > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(MemorySizeBits), MemorySizeBits, "Must hold at least two pages (greater than PageSizeBits) and be at most 40.");
        }

        if (ChunkSize < 1024 || ChunkSize > PageSize / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "Must be between 1 KiB and half a page.");
        }

        if (CheckpointIntervalBytes <= 0 || CompactionMinDeadBytes < 0 || CompactionDeadRatio is <= 0 or > 1 || MaintenancePeriod < TimeSpan.Zero || CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointIntervalBytes), "Checkpoint and compaction settings must be positive (dead ratio in (0, 1]).");
        }

        if (IndexMemory < Index.IndexStore.MinimumMemory)
        {
            throw new ArgumentOutOfRangeException(nameof(IndexMemory), IndexMemory, $"Must be at least {Index.IndexStore.MinimumMemory} bytes.");
        }

        if (MinFreeBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinFreeBytes), MinFreeBytes, "Must not be negative.");
        }

        if (MaxPooledWriters < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPooledWriters), MaxPooledWriters, "Must not be negative.");
        }
    }
}
