using System.Diagnostics;
using System.Globalization;
using System.Net;
using FastMail.Load.Cli;
using FastMail.Load.Messages;
using FastMail.Load.Protocol;

namespace FastMail.Load.Scenarios;

/// <summary>
/// relay: submits one message per operation to the relaying server, like smtp-send, and enters it
/// in the <see cref="RelayLedger"/>: start time before MAIL FROM, acknowledgement time at the 250
/// after DATA. A permanent refusal (5xx) of MAIL or RCPT means the server does not relay for us:
/// the worker reports it once and then stops, so a server without relaying fails the run in
/// one round trip per worker instead of grinding through --count refusals.
/// </summary>
internal sealed class RelaySendWorker : IScenarioWorker
{
    private readonly LoadOptions _options;
    private readonly RelayLedger _ledger;
    private readonly IPEndPoint _endPoint;
    private readonly MessageGenerator _generator;
    private readonly string _idPrefix;
    private readonly int _perConnection;
    private readonly string[] _recipient = new string[1];
    private SmtpClientConnection? _connection;
    private long _sequence;
    private bool _refused;

    public RelaySendWorker(LoadOptions options, int workerIndex, string runId, RelayLedger ledger)
    {
        _options = options;
        _ledger = ledger;
        _endPoint = new IPEndPoint(options.Host, options.Port);
        _generator = new MessageGenerator(options.Size, options.From, seed: workerIndex + 1);
        _idPrefix = $"{runId}-{workerIndex}-";
        _perConnection = Math.Max(1, options.PerConnection ?? 1);
        _sequence = 0;
        _recipient[0] = options.To[workerIndex % options.To.Length];
    }

    public string Metric => "relay-submit";

    public async ValueTask<OpResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_refused)
        {
            return new OpResult(OpStatus.Exhausted);
        }
        var id = _idPrefix + (_sequence++).ToString(CultureInfo.InvariantCulture);
        try
        {
            _connection ??= await SmtpClientConnection.OpenAsync(_endPoint, _options.HeloName, _options.Timeout, cancellationToken);
            var payload = _generator.Build(id, _recipient[0]);
            _ledger.Submitting(id, Stopwatch.GetTimestamp());
            await _connection.SendAsync(_options.From, _recipient, payload, cancellationToken);
            _ledger.Acknowledged(id, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(quit: false, CancellationToken.None);
            var kind = Failure.KindOf(e);
            _refused = IsPermanentRefusal(kind);
            return new OpResult(OpStatus.Failed, kind);
        }
        if (_connection.MessagesSent >= _perConnection)
        {
            try
            {
                await CloseAsync(quit: true, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new OpResult(OpStatus.Ok, Failure.KindOf(e));
            }
        }
        return OpResult.Ok;
    }

    /// <summary>smtp-mail-5xx or smtp-rcpt-5xx (RFC 5321 4.2.1: 5yz is permanent; 550/553/554 "relay denied").</summary>
    internal static bool IsPermanentRefusal(string kind) =>
        (kind.StartsWith("smtp-rcpt-5", StringComparison.Ordinal) || kind.StartsWith("smtp-mail-5", StringComparison.Ordinal))
        && kind.Length == "smtp-rcpt-5xx".Length;

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
            using var cts = new CancellationTokenSource(_options.Timeout);
            await CloseAsync(quit: true, cts.Token);
        }
        catch (Exception)
        {
            // The run is over; a failing QUIT on an idle connection changes no result.
        }
    }
}
