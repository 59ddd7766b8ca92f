namespace FastMail.Load.Messages;

/// <summary>FNV-1a, 64 bit: enough to catch a corrupted or mixed-up body, and needs no package.</summary>
internal static class Fnv1a64
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        var hash = OffsetBasis;
        foreach (var b in data)
        {
            hash = (hash ^ b) * Prime;
        }
        return hash;
    }
}
