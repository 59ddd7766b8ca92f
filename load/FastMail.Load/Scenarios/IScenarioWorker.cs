namespace FastMail.Load.Scenarios;

/// <summary>What one operation came to.</summary>
internal enum OpStatus
{
    Ok,
    Failed,

    /// <summary>Nothing left to do for this worker (e.g. its mailbox is empty): it stops.</summary>
    Exhausted,

    /// <summary>Nothing to do right now (mixed drainers with an empty mailbox): not counted, retried later.</summary>
    Idle,
}

/// <summary>
/// The result of one operation: how it ended, the error key when it failed (or a secondary error
/// beside a success), and an optional note counted for the report (e.g. "verified").
/// </summary>
internal readonly record struct OpResult(OpStatus Status, string? Error = null, string? Note = null)
{
    public static OpResult Ok => new(OpStatus.Ok);
}

/// <summary>
/// One simulated client. It keeps its connection between operations (per-connection reuse) and
/// performs one unit of work per call: one message sent, one message retrieved and deleted, one login.
/// </summary>
internal interface IScenarioWorker : IAsyncDisposable
{
    /// <summary>Name of the metric the operation's latency is recorded under.</summary>
    string Metric { get; }

    /// <summary>Runs one operation. Client-side protocol failures are returned, not thrown.</summary>
    ValueTask<OpResult> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// --open-first: opens the worker's session before the run's clock starts (untimed). A failure is not thrown: the
    /// first operation then opens the session itself.
    /// </summary>
    ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
