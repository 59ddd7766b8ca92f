using System.Net;
using FastMail.Load.Cli;
using FastMail.Load.Protocol;

namespace FastMail.Load.Scenarios;

/// <summary>pop3-login: one operation is connect, greeting, USER, PASS, QUIT, close.</summary>
internal sealed class Pop3LoginWorker : IScenarioWorker
{
    private readonly LoadOptions _options;
    private readonly IPEndPoint _endPoint;
    private readonly string _user;
    private readonly IPAddress? _source;

    public Pop3LoginWorker(LoadOptions options, int workerIndex)
    {
        _source = SourceAddresses.For(options.SourceAddresses, workerIndex);
        _options = options;
        _endPoint = new IPEndPoint(options.Host, options.Pop3Port);
        _user = options.Users[workerIndex % options.Users.Length];
    }

    public string Metric => "pop3-login";

    public async ValueTask<OpResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await Pop3ClientConnection.OpenAsync(_endPoint, _options.Timeout, cancellationToken, _source);
            await connection.LoginAsync(_user, _options.Password, cancellationToken);
            await connection.QuitAsync(cancellationToken);
            return OpResult.Ok;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new OpResult(OpStatus.Failed, Failure.KindOf(e));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
