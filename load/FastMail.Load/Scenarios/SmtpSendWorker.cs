using System.Net;
using FastMail.Load.Cli;
using FastMail.Load.Messages;
using FastMail.Load.Protocol;

namespace FastMail.Load.Scenarios;

/// <summary>
/// smtp-send: one operation is one message accepted with 250 after DATA. The connection
/// (220, EHLO) is opened by the first message and closed with QUIT after --per-connection messages.
/// With --pipelining the envelope goes out as one RFC 2920 group, and when another message follows
/// on the connection its group is written with this message's final "." (its replies are then read,
/// and its failures counted, by the next operation).
/// </summary>
internal sealed class SmtpSendWorker : IScenarioWorker
{
    private readonly LoadOptions _options;
    private readonly IPEndPoint _endPoint;
    private readonly MessageGenerator _generator;
    private readonly string _idPrefix;
    private readonly int _perConnection;
    private readonly IPAddress? _source;
    private string[] _recipients;

    // Pipelining: the recipients of the group already sent ahead for the next message.
    private string[] _nextRecipients;
    private bool _nextDrawn;
    private SmtpClientConnection? _connection;
    private long _sequence;
    private long _recipientCursor;

    public SmtpSendWorker(LoadOptions options, int workerIndex, string runId)
    {
        _options = options;
        _endPoint = new IPEndPoint(options.Host, options.Port);
        _generator = new MessageGenerator(options.Size, options.From, seed: workerIndex + 1);
        _idPrefix = $"{runId}-{workerIndex}-";
        _perConnection = Math.Max(1, options.PerConnection ?? 1);
        _recipients = new string[options.Recipients];
        _nextRecipients = new string[options.Recipients];
        _source = SourceAddresses.For(options.SourceAddresses, workerIndex);
        _recipientCursor = (long)workerIndex * options.Recipients;
    }

    public string Metric => "smtp-send";

    public async ValueTask<OpResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await SmtpClientConnection.OpenAsync(_endPoint, _options.HeloName, _options.Timeout, cancellationToken, _source);
            if (_nextDrawn)
            {
                // Drawn for the group sent ahead; kept even when that connection failed, so the
                // rotation over --to is the same as without pipelining.
                (_recipients, _nextRecipients) = (_nextRecipients, _recipients);
                _nextDrawn = false;
            }
            else
            {
                NextRecipients(_recipients);
            }
            var id = _idPrefix + (_sequence++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var payload = _generator.Build(id, _recipients[0]);
            if (_options.Pipelining)
            {
                var more = _connection.MessagesSent + 1 < _perConnection;
                if (more)
                {
                    NextRecipients(_nextRecipients);
                    _nextDrawn = true;
                }
                await _connection.SendPipelinedAsync(_options.From, _recipients, payload, more ? _nextRecipients : null, cancellationToken);
            }
            else
            {
                await _connection.SendAsync(_options.From, _recipients, payload, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await CloseAsync(quit: false, CancellationToken.None);
            return new OpResult(OpStatus.Failed, Failure.KindOf(e));
        }
        if (_connection.MessagesSent >= _perConnection)
        {
            try
            {
                await CloseAsync(quit: true, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The message was acknowledged (250 after DATA), which is what counts; a failed QUIT
                // still shows up as an error of its own.
                return new OpResult(OpStatus.Ok, Failure.KindOf(e));
            }
        }
        return OpResult.Ok;
    }

    private void NextRecipients(string[] recipients)
    {
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = _options.To[(int)(_recipientCursor++ % _options.To.Length)];
        }
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
            using var cts = new CancellationTokenSource(_options.Timeout);
            await CloseAsync(quit: true, cts.Token);
        }
        catch (Exception)
        {
            // The run is over; a failing QUIT on an idle connection changes no result.
        }
    }
}
