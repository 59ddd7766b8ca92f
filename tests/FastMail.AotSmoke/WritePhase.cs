using System.Diagnostics;
using FASTER.core;

namespace FastMail.AotSmoke;

/// <summary>
/// `write DIR N`: N records into both KV stores and N entries into the log, a log commit and a full checkpoint of both
/// stores, "checkpointed N", then uncheckpointed, uncommitted writes until killed (60 s at most) so kill -9 lands in the
/// middle of real work: overwrites of the checkpointed keys, new keys, and log entries past the commit.
/// </summary>
internal static class WritePhase
{
    private static readonly TimeSpan MaxRunAfterCheckpoint = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string directory, int count)
    {
        using var stores = SmokeStores.Open(directory);
        using (var kv = stores.NewKvSession())
        using (var longKv = stores.NewLongKvSession())
        {
            for (var i = 0; i < count; i++)
            {
                Upsert(kv, longKv, i, generation: 0);
                Enqueue(stores.Log, i);
            }
        }

        await stores.Log.CommitAsync();
        await CheckpointAsync(stores.Kv, "kv");
        await CheckpointAsync(stores.LongKv, "long-kv");
        Console.Out.WriteLine($"checkpointed {count}");
        Console.Out.Flush();

        // Until killed: generation 1 over the checkpointed keys, keys N..2N-1, log entries N.. that nobody commits.
        // Paced so that a forgotten process fills no disk; the test kills it long before the cap.
        using var kvAfter = stores.NewKvSession();
        using var longKvAfter = stores.NewLongKvSession();
        var clock = Stopwatch.StartNew();
        for (long j = 0; clock.Elapsed < MaxRunAfterCheckpoint; j++)
        {
            Upsert(kvAfter, longKvAfter, j % count, generation: 1);
            Upsert(kvAfter, longKvAfter, count + (j % count), generation: 0);
            Enqueue(stores.Log, count + j);
            if (j % 100 == 99)
            {
                Thread.Sleep(5);
            }
        }

        return 0;
    }

    private static void Upsert(
        ClientSession<SpanByte, SpanByte, SpanByte, byte[], Empty, SpanByteFunctions_ByteArrayOutput<Empty>> kv,
        ClientSession<long, long, long, long, Empty, SimpleFunctions<long, long>> longKv,
        long i,
        int generation)
    {
        Span<byte> keyBytes = stackalloc byte[Payloads.MaxKeyLength];
        Span<byte> valueBytes = stackalloc byte[Payloads.MaxValueLength];
        // stackalloc memory never moves: FromFixedSpan's requirement.
        var key = SpanByte.FromFixedSpan(keyBytes[..Payloads.Key(i, keyBytes)]);
        var value = SpanByte.FromFixedSpan(valueBytes[..Payloads.Value(i, generation, valueBytes)]);
        kv.Upsert(ref key, ref value);

        var longValue = Payloads.LongValue(i, generation);
        longKv.Upsert(ref i, ref longValue);
    }

    private static void Enqueue(FasterLog log, long i)
    {
        Span<byte> entry = stackalloc byte[Payloads.MaxLogEntryLength];
        log.Enqueue((ReadOnlySpan<byte>)entry[..Payloads.LogEntry(i, entry)]);
    }

    private static async Task CheckpointAsync<TKey, TValue>(FasterKV<TKey, TValue> store, string name)
    {
        var (success, _) = await store.TakeFullCheckpointAsync(CheckpointType.FoldOver);
        if (!success)
        {
            throw new InvalidOperationException($"{name}: full checkpoint did not start");
        }

        await store.CompleteCheckpointAsync();
    }
}
