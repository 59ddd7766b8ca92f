using System.Diagnostics;
using FastMail.Storage;
using Microsoft.Extensions.Logging;

namespace FastMail.StorageProbe;

internal static class Probe
{
    private const int DefaultMailboxes = 1000;
    private const int Writers = 64;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: fill <dir> <count> [--crash] [--mailboxes N] | open <dir> [--no-checkpoint] | mailbox <dir> <count> | ack <dir> | checksum");
            return 2;
        }

        // As the server does at start: see ThreadPoolFloor.
        ThreadPoolFloor.Ensure();
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        var logger = loggers.CreateLogger("storage");
        switch (args[0])
        {
            case "fill":
                return await FillAsync(args[1], int.Parse(args[2]), args.Contains("--crash"), IntOption(args, "--mailboxes", DefaultMailboxes), logger);
            case "open":
                return await OpenAsync(args[1], args.Contains("--no-checkpoint"), logger);
            case "mailbox":
                return await MailboxAsync(args[1], int.Parse(args[2]), logger);
            case "ack":
                return await AckAsync(args[1]);
            case "checksum":
                return ChecksumCost.Run();
            default:
                Console.Error.WriteLine($"unknown mode {args[0]}");
                return 2;
        }
    }

    private static StorageOptions Options(string dir) => new() { DataDirectory = dir };

    /// <summary>The value after <paramref name="name"/>, or <paramref name="fallback"/> when the option is absent.</summary>
    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
    }

    private static async Task<int> FillAsync(string dir, int count, bool crash, int mailboxes, ILogger logger)
    {
        var store = FasterMailStore.Open(Options(dir), logger);
        var body = new byte[1024];
        new Random(1).NextBytes(body);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            var mailbox = new string[1];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                mailbox[0] = "user" + (i % mailboxes);
                using var writer = store.BeginMessage();
                writer.Write(body);
                await writer.CommitAsync(mailbox, CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(writers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"RESULT fill messages={count} mailboxes={mailboxes} seconds={seconds:F1} per_second={count / seconds:F0}");
        if (crash)
        {
            // What kill -9 leaves: every ACK'd message is durable, nothing else ran (no final checkpoint, no close).
            Console.Out.Flush();
            Environment.Exit(0);
        }

        await store.DisposeAsync();
        return 0;
    }

    private static async Task<int> OpenAsync(string dir, bool noCheckpoint, ILogger logger)
    {
        if (noCheckpoint && Directory.Exists(Path.Combine(dir, "mail", "kv")))
        {
            Directory.Delete(Path.Combine(dir, "mail", "kv"), recursive: true);
        }

        var started = Stopwatch.GetTimestamp();
        var store = FasterMailStore.Open(Options(dir), logger);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Console.WriteLine($"RESULT open ms={ms:F0} checkpoint={(noCheckpoint ? "none" : "newest")}");

        // What the open leaves resident is what the server carries for the store's lifetime (index memory, hash table, log pages).
        // Right after open it still includes replay garbage; after a full compacting GC it is the steady index cost.
        PrintMemory("after_open");
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        PrintMemory("after_full_gc");
        GC.KeepAlive(store);
        await store.DisposeAsync();
        return 0;
    }

    private static void PrintMemory(string when)
    {
        var (rss, hwm) = ProcessMemoryKb();
        Console.WriteLine(
            $"RESULT open_rss when={when} rss_mb={rss / 1024.0:F0} hwm_mb={hwm / 1024.0:F0} " +
            $"managed_mb={GC.GetTotalMemory(false) / 1048576.0:F0} gc_heap_mb={GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0}");
    }

    /// <summary>VmRSS and VmHWM (peak RSS) in kB from /proc/self/status: the kernel's view, native FASTER buffers included.</summary>
    private static (long Rss, long Hwm) ProcessMemoryKb()
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = ParseKb(line);
            }
        }

        return (rss, hwm);
    }

    /// <summary>"VmRSS:\t  123456 kB" to 123456.</summary>
    private static long ParseKb(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim());

    private static async Task<int> MailboxAsync(string dir, int count, ILogger logger)
    {
        var store = FasterMailStore.Open(Options(dir), logger);
        var body = new byte[512];
        var big = new[] { "big" };
        var small = new[] { "small" };
        int have;
        await using (var session = await store.TryOpenMailboxAsync("big", CancellationToken.None))
        {
            have = session!.Count;
        }

        var next = have - 1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var writer = store.BeginMessage();
                writer.Write(body);
                await writer.CommitAsync(big, CancellationToken.None);
            }
        })));

        for (var i = 0; i < 100; i++)
        {
            using var writer = store.BeginMessage();
            writer.Write(body);
            await writer.CommitAsync(small, CancellationToken.None);
        }

        // What a POP3 login costs server-side for the big mailbox: the session's snapshot (TryOpenMailboxAsync), then the
        // STAT / LIST / UIDL data for the whole mailbox: count, every size and id. Per round, so the JIT round shows apart.
        for (var round = 0; round < 3; round++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var session = await store.TryOpenMailboxAsync("big", CancellationToken.None);
            long octets = 0, ids = 0;
            for (var i = 0; i < session!.Count; i++)
            {
                octets += session.GetSize(i);
                ids ^= session.GetId(i);
            }

            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Console.WriteLine($"RESULT mailbox_open_count_sizes messages={session.Count} octets={octets} ms={ms:F2} (checksum {ids})");
        }

        // Alternating, so that disk noise (other processes' fsyncs) does not masquerade as a size effect.
        for (var round = 0; round < 3; round++)
        {
            await AppendCostAsync(store, "small", body);
            await AppendCostAsync(store, "big", body);
        }
        await store.DisposeAsync();
        return 0;
    }

    private static async Task AppendCostAsync(FasterMailStore store, string mailbox, byte[] body)
    {
        int size;
        await using (var session = await store.TryOpenMailboxAsync(mailbox, CancellationToken.None))
        {
            size = session!.Count;
        }

        const int Appends = 200;
        var names = new[] { mailbox };
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Appends; i++)
        {
            using var writer = store.BeginMessage();
            writer.Write(body);
            await writer.CommitAsync(names, CancellationToken.None);
        }

        var us = Stopwatch.GetElapsedTime(started).TotalMicroseconds / Appends;
        Console.WriteLine($"RESULT append mailbox_messages={size} us_per_durable_append={us:F0}");
    }

    private static async Task<int> AckAsync(string dir)
    {
        var store = FasterMailStore.Open(Options(dir), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var writer = store.BeginMessage();
        writer.Write("Subject: strace\r\n\r\npower loss durability probe\r\n"u8);
        var id = await writer.CommitAsync(["alice"], CancellationToken.None);

        // The ACK line is the 250: everything the kernel must have made durable has to precede this write(2).
        Console.WriteLine($"ACK {id}");
        Console.Out.Flush();
        Environment.Exit(0);
        return 0;
    }
}
