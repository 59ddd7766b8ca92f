// fastmail-aot-smoke: proves FasterKV and FasterLog survive kill -9 under native AOT.
//
// Usage:
//   fastmail-aot-smoke write DIR N    upsert N records into FasterKV<SpanByte,SpanByte> and FasterKV<long,long>, enqueue
//                                     N entries into a FasterLog, commit the log, checkpoint both stores, print
//                                     "checkpointed N", then keep writing (never checkpointed or committed) until
//                                     killed, at most 60 s.
//   fastmail-aot-smoke verify DIR N   recover all three from DIR, check keys 0..N-1 and the first N log entries byte for
//                                     byte, print "verified N kv, N log" and exit 0; on any loss or mismatch print what
//                                     is wrong and exit 1.
// Exit codes: 0 success, 1 verification failed, 2 usage error.
using System.Globalization;
using FastMail.AotSmoke;

if (args.Length != 3 || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
{
    Console.Error.WriteLine("usage: fastmail-aot-smoke (write|verify) DIR N");
    return 2;
}

return args[0] switch
{
    "write" => await WritePhase.RunAsync(args[1], count),
    "verify" => VerifyPhase.Run(args[1], count),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: fastmail-aot-smoke (write|verify) DIR N");
    return 2;
}
