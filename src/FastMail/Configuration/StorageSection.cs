using FastMail.Storage;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The storage.* keys, bound into <see cref="StorageOptions"/> (everything else keeps the store's defaults).</summary>
internal static class StorageSection
{
    public static StorageOptions Bind(ConfigValues values, string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        MinFreeBytes = Size(values, ConfigKeys.StorageMinFreeSpace, 0, long.MaxValue),
        IndexMemory = Size(values, ConfigKeys.StorageIndexMemory, 1L << 20, 1L << 40),
    };
}
