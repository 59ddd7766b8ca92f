using System.Net;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Pop3;
using Microsoft.Extensions.Logging.Abstractions;
using static FastMail.Benchmarks.Session.LockstepClient;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// The per-command steady state of one long POP3 connection (logged in once, in setup): STAT, LIST, UIDL, RETR 1
/// (1 KB), DELE 1, RSET, each sent and answered in turn. One operation is that transaction of six commands; nothing is
/// removed (RSET), so every operation sees the same mailbox. DESIGN.md: 0 B allocated per command.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Session, Categories.Budget)]
public class Pop3SteadyStateBenchmarks
{
    private static readonly ReadOnlyMemory<byte> Stat = Commands.Line("STAT");
    private static readonly ReadOnlyMemory<byte> List = Commands.Line("LIST");
    private static readonly ReadOnlyMemory<byte> Uidl = Commands.Line("UIDL");
    private static readonly ReadOnlyMemory<byte> Retr = Commands.Line("RETR 1");
    private static readonly ReadOnlyMemory<byte> Dele = Commands.Line("DELE 1");
    private static readonly ReadOnlyMemory<byte> Rset = Commands.Line("RSET");

    private readonly InMemoryConnection _connection = new();
    private MailServerFixture? _server;
    private Task? _session;

    [GlobalSetup]
    public void Setup()
    {
        _server = new MailServerFixture(users: 1);
        var user = MailServerFixture.UserName(0);
        _server.DeliverAsync(SampleMessages.Stored(1024), user).GetAwaiter().GetResult();
        var handler = new Pop3SessionHandler(new Pop3Options { HostName = "bench.fastmail.test" }, _server.Directory, _server.Store, NullLogger.Instance);
        _session = handler.RunAsync(_connection.Server, new IPEndPoint(IPAddress.Loopback, 50_110), CancellationToken.None);
        var client = _connection.Client;
        client.ExpectAsync(Reply.Pop3Line, (byte)'+').AsTask().GetAwaiter().GetResult();
        client.SendAsync(Commands.Line("USER " + user), Reply.Pop3Line, (byte)'+').AsTask().GetAwaiter().GetResult();
        client.SendAsync(Commands.Line("PASS " + MailServerFixture.Password), Reply.Pop3Line, (byte)'+').AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var client = _connection.Client;
        client.SendAsync(Commands.Line("QUIT"), Reply.Pop3Line, (byte)'+').AsTask().GetAwaiter().GetResult();
        client.Complete();
        _session!.GetAwaiter().GetResult();
        _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Transaction()
    {
        var client = _connection.Client;
        await client.SendAsync(Stat, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(List, Reply.Pop3MultiLine, (byte)'+');
        await client.SendAsync(Uidl, Reply.Pop3MultiLine, (byte)'+');
        await client.SendAsync(Retr, Reply.Pop3MultiLine, (byte)'+');
        await client.SendAsync(Dele, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Rset, Reply.Pop3Line, (byte)'+');
    }
}
