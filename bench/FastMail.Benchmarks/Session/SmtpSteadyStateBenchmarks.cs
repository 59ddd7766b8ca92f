using System.Net;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using static FastMail.Benchmarks.Session.LockstepClient;

namespace FastMail.Benchmarks.Session;

/// <summary>
/// The per-message steady state of one long SMTP connection (greeted and EHLO'd once, in setup): MAIL FROM, RCPT TO,
/// DATA, 1 KB of text, each answered in turn, the last with 250 after the durable commit. One operation is one message,
/// so the allocation is what each further message on an open connection costs: the session's share should be 0 B
/// (DESIGN.md), the rest is the store's commit.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Session, Categories.Budget)]
public class SmtpSteadyStateBenchmarks
{
    private readonly InMemoryConnection _connection = new();
    private SmtpTransaction? _transaction;
    private MailServerFixture? _server;
    private Task? _session;

    [GlobalSetup]
    public void Setup()
    {
        _server = new MailServerFixture(users: 1);
        var handler = SmtpTransaction.CreateHandler(_server);
        _session = handler.RunAsync(_connection.Server, new IPEndPoint(IPAddress.Loopback, 50_025), CancellationToken.None);
        var client = _connection.Client;
        client.ExpectAsync(Reply.Smtp, (byte)'2').AsTask().GetAwaiter().GetResult();
        client.SendAsync(Commands.Line("EHLO client.example.org"), Reply.Smtp, (byte)'2').AsTask().GetAwaiter().GetResult();
        _transaction = new SmtpTransaction(client, MailServerFixture.UserName(0), messageSize: 1024);
        _transaction.SendAsync().AsTask().GetAwaiter().GetResult();
        _transaction.VerifyDelivered(_server, expectedMessages: 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var client = _connection.Client;
        client.SendAsync(Commands.Line("QUIT"), Reply.Smtp, (byte)'2').AsTask().GetAwaiter().GetResult();
        client.Complete();
        _session!.GetAwaiter().GetResult();
        _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public ValueTask Message() => _transaction!.SendAsync();
}
