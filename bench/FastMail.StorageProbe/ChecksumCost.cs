using System.Diagnostics;

namespace FastMail.StorageProbe;

/// <summary>Cost of FASTER's per-entry checksum (an XOR over length and payload), computed on append and on replay.</summary>
internal static unsafe class ChecksumCost
{
    public static int Run()
    {
        foreach (var size in new[] { 1024, 64 * 1024 })
        {
            var buffer = new byte[size + 4];
            new Random(1).NextBytes(buffer);
            var rounds = (int)(2L * 1024 * 1024 * 1024 / size);
            ulong sink = 0;
            var started = Stopwatch.GetTimestamp();
            fixed (byte* p = buffer)
            {
                for (var i = 0; i < rounds; i++)
                {
                    sink ^= FASTER.core.Utility.XorBytes(p, size + 4);
                }
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"RESULT checksum entry_bytes={size} ns_per_entry={seconds * 1e9 / rounds:F1} gb_per_second={(double)rounds * size / seconds / 1e9:F2} (sink {sink})");
        }

        return 0;
    }
}
