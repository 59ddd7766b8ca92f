using FastMail.Load.Cli;

namespace FastMail.Load.Scenarios;

/// <summary>Creates the worker for slot <c>index</c> of a run; mixed runs give the first half to senders.</summary>
internal static class WorkerFactory
{
    public static IScenarioWorker Create(LoadOptions options, int index, string runId) => options.Scenario switch
    {
        "smtp-send" => new SmtpSendWorker(options, index, runId),
        "pop3-drain" => new Pop3DrainWorker(options, index, waitWhenEmpty: false),
        "pop3-login" => new Pop3LoginWorker(options, index),
        "relay" => new RelaySendWorker(options, index, runId, RelayScenario.LedgerOf(options)),
        "mixed" => index < MixedSenders(options)
            ? new SmtpSendWorker(options, index, runId)
            : new Pop3DrainWorker(options, index - MixedSenders(options), waitWhenEmpty: true),
        _ => throw new ArgumentException($"scenario '{options.Scenario}' has no per-operation workers"),
    };

    public static int MixedSenders(LoadOptions options) => (options.Concurrency + 1) / 2;
}
