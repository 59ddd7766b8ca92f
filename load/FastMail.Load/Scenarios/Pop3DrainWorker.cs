using System.Buffers;
using System.Net;
using FastMail.Load.Cli;
using FastMail.Load.Messages;
using FastMail.Load.Protocol;

namespace FastMail.Load.Scenarios;

/// <summary>
/// pop3-drain: one operation is RETR + DELE of one message, checked against its checksum.
/// The first operation of a session logs in (USER/PASS), runs STAT and UIDL; the session ends
/// with QUIT, which commits the deletions, after the last listed message or --per-connection RETRs.
/// </summary>
internal sealed class Pop3DrainWorker : IScenarioWorker
{
    private readonly LoadOptions _options;
    private readonly IPEndPoint _endPoint;
    private readonly string _user;
    private readonly bool _waitWhenEmpty;
    private readonly int _perSession;
    private readonly IPAddress? _source;
    private readonly List<int> _numbers = [];
    private readonly ArrayBufferWriter<byte> _message = new(64 * 1024);
    private Pop3ClientConnection? _connection;
    private int _next;

    /// <param name="waitWhenEmpty">In mixed runs an empty mailbox means "not yet" (Idle), not "done" (Exhausted).</param>
    public Pop3DrainWorker(LoadOptions options, int workerIndex, bool waitWhenEmpty)
    {
        _options = options;
        _endPoint = new IPEndPoint(options.Host, options.Pop3Port);
        _user = options.Users[workerIndex % options.Users.Length];
        _waitWhenEmpty = waitWhenEmpty;
        _source = SourceAddresses.For(options.SourceAddresses, workerIndex);
        _perSession = options.PerConnection is null or 0 ? int.MaxValue : options.PerConnection.Value;
    }

    public string Metric => "pop3-retr-dele";

    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LogInAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(quit: false, CancellationToken.None);
        }
    }

    public async ValueTask<OpResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        OpResult result;
        try
        {
            var connection = _connection ?? await LogInAsync(cancellationToken);
            if (_numbers.Count == 0)
            {
                await CloseAsync(quit: true, cancellationToken);
                return new OpResult(_waitWhenEmpty ? OpStatus.Idle : OpStatus.Exhausted);
            }
            var number = _numbers[_next++];
            await connection.RetrAsync(number, _message, cancellationToken);
            var verdict = _options.Verify ? MessageVerifier.Verify(_message.WrittenSpan) : VerifyResult.Foreign;
            await connection.DeleAsync(number, cancellationToken);
            result = verdict switch
            {
                VerifyResult.Corrupt => new OpResult(OpStatus.Failed, "corrupt-message"),
                VerifyResult.Intact => new OpResult(OpStatus.Ok, Note: "checksum-verified"),
                _ => new OpResult(OpStatus.Ok, Note: _options.Verify ? "not-generated-by-load" : "not-verified"),
            };
            if (_next >= _numbers.Count || _next >= _perSession)
            {
                await CloseAsync(quit: true, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A dropped session deletes nothing (RFC 1939 6): the messages will be listed again.
            await CloseAsync(quit: false, CancellationToken.None);
            return new OpResult(OpStatus.Failed, Failure.KindOf(e));
        }
        return result;
    }

    /// <summary>Connect, USER/PASS, STAT, UIDL: the session's message list is in <see cref="_numbers"/>.</summary>
    private async ValueTask<Pop3ClientConnection> LogInAsync(CancellationToken cancellationToken)
    {
        var connection = _connection = await Pop3ClientConnection.OpenAsync(_endPoint, _options.Timeout, cancellationToken, _source);
        await connection.LoginAsync(_user, _options.Password, cancellationToken);
        await connection.StatAsync(cancellationToken);
        await connection.UidlAsync(_numbers, cancellationToken);
        _next = 0;
        return connection;
    }

    private ValueTask CloseAsync(bool quit, CancellationToken cancellationToken)
    {
        var connection = _connection;
        _connection = null;
        return IClientConnection.CloseAsync(connection, quit, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // QUIT so the deletions made so far are committed.
            using var cts = new CancellationTokenSource(_options.Timeout);
            await CloseAsync(quit: true, cts.Token);
        }
        catch (Exception)
        {
            // The run is over; what was not committed will simply be listed again next time.
        }
    }
}
