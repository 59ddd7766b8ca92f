using System.Net;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Smtp;
using Microsoft.Extensions.Logging.Abstractions;
using static FastMail.Benchmarks.Session.LockstepClient;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// A whole SMTP session through the real SmtpSessionHandler over an in-memory connection: greeting, EHLO, MAIL FROM,
/// RCPT TO (a local user of the real AccountDirectory), DATA, a 1 KB message, QUIT. The 250 after the message waits
/// for the real FasterMailStore's durable commit. One operation is one session (one durable message).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Session, Categories.Budget)]
public class SmtpSessionBenchmarks
{
    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 50_025);
    private static readonly ReadOnlyMemory<byte> Ehlo = Commands.Line("EHLO client.example.org");
    private static readonly ReadOnlyMemory<byte> Quit = Commands.Line("QUIT");

    private readonly InMemoryConnection _connection = new();
    private readonly CancellationTokenSource _shutdown = new();
    private SmtpTransaction? _transaction;
    private MailServerFixture? _server;
    private SmtpSessionHandler? _handler;

    [GlobalSetup]
    public void Setup()
    {
        _server = new MailServerFixture(users: 1);
        _handler = SmtpTransaction.CreateHandler(_server);
        _transaction = new SmtpTransaction(_connection.Client, MailServerFixture.UserName(0), messageSize: 1024);
        Session().AsTask().GetAwaiter().GetResult();
        _transaction.VerifyDelivered(_server, expectedMessages: 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Session()
    {
        var server = _handler!.RunAsync(_connection.Server, Remote, _shutdown.Token);
        var client = _connection.Client;
        await client.ExpectAsync(Reply.Smtp, (byte)'2');
        await client.SendAsync(Ehlo, Reply.Smtp, (byte)'2');
        await _transaction!.SendAsync();
        await client.SendAsync(Quit, Reply.Smtp, (byte)'2');
        client.Complete();
        await server;
        _connection.Reset();
    }
}
