using FASTER.core;

namespace FastMail.AotSmoke;

/// <summary>
/// `verify DIR N`: recovers both KV stores from their checkpoints and the log from its commit, then checks keys 0..N-1
/// (generation 0, exactly what the checkpoint held) and the first N log entries byte for byte.
/// </summary>
internal static class VerifyPhase
{
    private const int MaxReported = 10;

    public static int Run(string directory, int count)
    {
        if (!Directory.Exists(directory))
        {
            Console.Error.WriteLine($"verify: {directory} does not exist");
            return 1;
        }

        using var stores = SmokeStores.Open(directory);
        var problems = new List<string>();
        try
        {
            stores.Kv.Recover();
            stores.LongKv.Recover();
        }
        catch (FasterException e)
        {
            // What FASTER says when there is no usable checkpoint: "Unable to find valid HybridLog token".
            Console.Error.WriteLine($"verify: recovery failed: {e.Message}");
            return 1;
        }

        CheckKv(stores, count, problems);
        CheckLongKv(stores, count, problems);
        CheckLog(stores.Log, count, problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems.Take(MaxReported))
            {
                Console.Error.WriteLine("verify: " + problem);
            }

            Console.Error.WriteLine($"verify: {problems.Count} problem(s)");
            return 1;
        }

        Console.Out.WriteLine($"verified {count} kv, {count} log");
        return 0;
    }

    private static void CheckKv(SmokeStores stores, int count, List<string> problems)
    {
        using var session = stores.NewKvSession();
        Span<byte> keyBytes = stackalloc byte[Payloads.MaxKeyLength];
        var expected = new byte[Payloads.MaxValueLength];
        for (var i = 0; i < count; i++)
        {
            var key = SpanByte.FromFixedSpan(keyBytes[..Payloads.Key(i, keyBytes)]);
            byte[] output = null!;
            var status = session.Read(ref key, ref output);
            if (status.IsPending)
            {
                // Records below the in-memory region come back from disk through CompletePending.
                session.CompletePendingWithOutputs(out var completed, wait: true);
                using (completed)
                {
                    while (completed.Next())
                    {
                        status = completed.Current.Status;
                        output = completed.Current.Output;
                    }
                }
            }

            var length = Payloads.Value(i, 0, expected);
            if (!status.Found)
            {
                problems.Add($"kv key-{i} missing ({status})");
            }
            else if (!output.AsSpan().SequenceEqual(expected.AsSpan(0, length)))
            {
                problems.Add($"kv key-{i} has {output.Length} wrong bytes ({Convert.ToHexString(output)}), expected {Convert.ToHexString(expected, 0, length)}");
            }
        }
    }

    private static void CheckLongKv(SmokeStores stores, int count, List<string> problems)
    {
        using var session = stores.NewLongKvSession();
        for (long i = 0; i < count; i++)
        {
            var key = i;
            long output = 0;
            var status = session.Read(ref key, ref output);
            if (status.IsPending)
            {
                session.CompletePendingWithOutputs(out var completed, wait: true);
                using (completed)
                {
                    while (completed.Next())
                    {
                        status = completed.Current.Status;
                        output = completed.Current.Output;
                    }
                }
            }

            if (!status.Found)
            {
                problems.Add($"long-kv {i} missing ({status})");
            }
            else if (output != Payloads.LongValue(i, 0))
            {
                problems.Add($"long-kv {i} = {output}, expected {Payloads.LongValue(i, 0)}");
            }
        }
    }

    private static void CheckLog(FasterLog log, int count, List<string> problems)
    {
        var expected = new byte[Payloads.MaxLogEntryLength];
        var seen = 0;
        using (var iterator = log.Scan(log.BeginAddress, long.MaxValue))
        {
            while (seen < count && iterator.GetNext(out var entry, out var length, out var address))
            {
                var expectedLength = Payloads.LogEntry(seen, expected);
                if (!entry.AsSpan(0, length).SequenceEqual(expected.AsSpan(0, expectedLength)))
                {
                    problems.Add($"log entry {seen} at address {address} has {length} wrong bytes ({Convert.ToHexString(entry, 0, length)})");
                }

                seen++;
            }
        }

        if (seen < count)
        {
            problems.Add($"log has {seen} committed entries, expected at least {count}");
        }
    }
}
