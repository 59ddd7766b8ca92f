using FastMail.Storage;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The storage.* keys, bound into <see cref="StorageOptions"/> (everything else keeps the store's defaults).</summary>
internal static class StorageSection
{
    /// <summary>Only the kill -9 tests set it (see <see cref="StorageOptions.CheckpointTestPause"/>).</summary>
    private static TimeSpan TestPause() =>
        int.TryParse(Environment.GetEnvironmentVariable("FASTMAIL_TEST_CHECKPOINT_PAUSE_MS"), System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.Zero;

    public static StorageOptions Bind(ConfigValues values, string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        MinFreeBytes = Size(values, ConfigKeys.StorageMinFreeSpace, 0, long.MaxValue),
        IndexMemory = Size(values, ConfigKeys.StorageIndexMemory, 1L << 20, 1L << 40),
        CheckpointIntervalBytes = Size(values, ConfigKeys.StorageCheckpointEvery, 4096, 1L << 40),
        CheckpointTestPause = TestPause(),
    };
}
