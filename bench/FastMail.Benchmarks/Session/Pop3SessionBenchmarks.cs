using System.Net;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Pop3;
using Microsoft.Extensions.Logging.Abstractions;
using static FastMail.Benchmarks.Session.LockstepClient;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// A whole POP3 session through the real Pop3SessionHandler over an in-memory connection: greeting, USER, PASS, STAT,
/// RETR 1 (a 1 KB message), DELE 1, QUIT, with the deletion committed durably by the real FasterMailStore before +OK
/// (<see cref="Session"/>); and the same without DELE, as a client that leaves mail on the server
/// (<see cref="SessionLeavingMail"/>: no commit, so it shows the session's own cost). One operation is one session.
/// Each iteration serves <see cref="SessionsPerIteration"/> users whose mailbox holds one message, refilled before the
/// iteration (not measured). The logins are auth-cache hits after the first, as for a client that polls.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(SessionsPerIteration)]
[BenchmarkCategory(Categories.Session, Categories.Budget)]
public class Pop3SessionBenchmarks
{
    private const int SessionsPerIteration = 32;
    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 50_110);
    private static readonly ReadOnlyMemory<byte> Pass = Commands.Line("PASS " + MailServerFixture.Password);
    private static readonly ReadOnlyMemory<byte> Stat = Commands.Line("STAT");
    private static readonly ReadOnlyMemory<byte> Retr = Commands.Line("RETR 1");
    private static readonly ReadOnlyMemory<byte> Dele = Commands.Line("DELE 1");
    private static readonly ReadOnlyMemory<byte> Quit = Commands.Line("QUIT");

    private readonly InMemoryConnection _connection = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task[] _deliveries = new Task[SessionsPerIteration];
    private ReadOnlyMemory<byte>[] _users = [];
    private MailServerFixture? _server;
    private Pop3SessionHandler? _handler;
    private byte[] _message = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _server = new MailServerFixture(SessionsPerIteration);
        _handler = new Pop3SessionHandler(new Pop3Options { HostName = "bench.fastmail.test" }, _server.Directory, _server.Store, NullLogger.Instance);
        _message = SampleMessages.Stored(1024);
        _users = [.. Enumerable.Range(0, SessionsPerIteration).Select(i => Commands.Line("USER " + MailServerFixture.UserName(i)))];

        // One checked round: the session really removed the message it retrieved.
        Refill();
        Session().AsTask().GetAwaiter().GetResult();
        var mailbox = _server.Store.TryOpenMailboxAsync(MailServerFixture.UserName(0), CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("The mailbox stayed locked after QUIT.");
        var left = mailbox.Count;
        mailbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (left != 0)
        {
            throw new InvalidOperationException($"QUIT left {left} messages; DELE 1 should have removed the only one.");
        }
    }

    [IterationSetup]
    public void Refill()
    {
        for (var i = 0; i < SessionsPerIteration; i++)
        {
            _deliveries[i] = IsEmpty(i) ? _server!.DeliverAsync(_message, MailServerFixture.UserName(i)) : Task.CompletedTask;
        }

        Task.WaitAll(_deliveries);
        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup() => _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Session()
    {
        var server = _handler!.RunAsync(_connection.Server, Remote, _shutdown.Token);
        var client = _connection.Client;
        await client.ExpectAsync(Reply.Pop3Line, (byte)'+');
        await client.SendAsync(_users[_next++ % SessionsPerIteration], Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Pass, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Stat, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Retr, Reply.Pop3MultiLine, (byte)'+');
        await client.SendAsync(Dele, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Quit, Reply.Pop3Line, (byte)'+');
        client.Complete();
        await server;
        _connection.Reset();
    }

    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SessionLeavingMail()
    {
        var server = _handler!.RunAsync(_connection.Server, Remote, _shutdown.Token);
        var client = _connection.Client;
        await client.ExpectAsync(Reply.Pop3Line, (byte)'+');
        await client.SendAsync(_users[_next++ % SessionsPerIteration], Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Pass, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Stat, Reply.Pop3Line, (byte)'+');
        await client.SendAsync(Retr, Reply.Pop3MultiLine, (byte)'+');
        await client.SendAsync(Quit, Reply.Pop3Line, (byte)'+');
        client.Complete();
        await server;
        _connection.Reset();
    }

    private bool IsEmpty(int user)
    {
        var mailbox = _server!.Store.TryOpenMailboxAsync(MailServerFixture.UserName(user), CancellationToken.None).AsTask().GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("A mailbox is still locked between iterations.");
        var empty = mailbox.Count == 0;
        mailbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return empty;
    }
}
