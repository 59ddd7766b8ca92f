using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FastMail.Core.Diagnostics;

/// <summary>Why a message (or one of its recipients) was refused: the fixed set of <c>reason</c> labels.</summary>
public enum RejectReason : byte
{
    /// <summary>Over smtp.maxMessageSize (at MAIL SIZE= or during DATA).</summary>
    Size,

    /// <summary>RCPT for a local user or alias that does not exist.</summary>
    UnknownUser,

    /// <summary>RCPT for a remote domain without AUTH or a trusted network (no open relay).</summary>
    RelayDenied,

    /// <summary>Over the mailbox quota (at RCPT, or every recipient after DATA).</summary>
    Quota,

    /// <summary>Too many recipients in one transaction (452).</summary>
    Recipients,

    /// <summary>A policy refusal: local sender without AUTH (smtp.localSenderPolicy=reject), bare CR or LF in the text.</summary>
    Policy,

    /// <summary>The store has no room left (452 4.3.1).</summary>
    DiskFull,

    /// <summary>The store failed otherwise, or the relay is unavailable: the client should try again later.</summary>
    TempFailure,
}

/// <summary>What the host lets the observable instruments read at scrape time; every source is optional.</summary>
public sealed record MetricSources
{
    /// <summary>Each mail listener kind ("SMTP", "POP3", ...) with its open, accepted and refused connections, summed over its addresses.</summary>
    public Func<IReadOnlyList<ListenerCounts>>? Listeners { get; init; }

    /// <summary>Messages in the outbound queue now.</summary>
    public Func<long>? QueueDepth { get; init; }

    /// <summary>Bytes the mail store takes on disk (may be cached: it walks a directory).</summary>
    public Func<long>? StorageUsedBytes { get; init; }

    /// <summary>Free bytes on the store's file system; null when unknown.</summary>
    public Func<long?>? StorageFreeBytes { get; init; }
}

/// <summary>One listener kind's connection counts.</summary>
public readonly record struct ListenerCounts(string Kind, long Open, long Accepted, long Refused);

/// <summary>
/// Every FastMail metric, as System.Diagnostics.Metrics instruments of one <see cref="Meter"/> named "FastMail" (one per
/// server, so two servers in a test process do not mix their numbers). Callers record facts with one call where they
/// are known; <see cref="Metrics.MetricsCollector"/> aggregates them only when metrics.listen is set. With nobody
/// listening an Add is a check of an empty subscription list: the hot path pays nothing more. Label values are the
/// constant strings below, so a recording allocates nothing (no boxing: strings are references).
/// </summary>
public sealed class MailMetrics : IDisposable
{
    public const string MeterName = "FastMail";

    /// <summary>The <c>protocol</c> label values.</summary>
    public const string Smtp = "smtp";
    public const string Pop3 = "pop3";
    public const string Web = "web";

    /// <summary>The <c>outcome</c> label values of relayed recipients (as the relay log words them).</summary>
    public const string Sent = "sent";
    public const string Bounced = "bounced";
    public const string Deferred = "deferred";

    // Commit waits are group-commit fsyncs: sub-millisecond on a fast disk, tens of ms on a busy one, seconds when stuck.
    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string[] ReasonNames = ["size", "unknown_user", "relay_denied", "quota", "recipients", "policy", "disk_full", "temp_failure"];

    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Counter<long> _commands;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _receivedBytes;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _loginFailures;
    private readonly Counter<long> _relayed;
    private readonly Histogram<double> _commitSeconds;
    private volatile MetricSources _sources = new();

    public MailMetrics()
    {
        Meter = new Meter(MeterName);
        _commands = Meter.CreateCounter<long>("fastmail.commands", null, "Protocol commands received, by protocol and verb (\"other\" for unknown verbs).");
        _accepted = Meter.CreateCounter<long>("fastmail.messages.accepted", null, "Messages acknowledged with 250 after DATA or BDAT LAST (durably stored or queued).");
        _receivedBytes = Meter.CreateCounter<long>("fastmail.messages.received.bytes", "By", "Bytes of message text accepted (after dot-unstuffing, without the trace headers).");
        _rejected = Meter.CreateCounter<long>("fastmail.messages.rejected", null, "Messages, or single recipients at RCPT, refused, by reason.");
        _loginFailures = Meter.CreateCounter<long>("fastmail.login.failures", null, "Failed logins (wrong password, locked out), by protocol.");
        _relayed = Meter.CreateCounter<long>("fastmail.relay.recipients", null, "Outbound delivery attempts per recipient, by outcome: sent, bounced, deferred.");
        _commitSeconds = Meter.CreateHistogram<double>(
            "fastmail.commit.duration.seconds",
            "s",
            "Time an SMTP session waits for the store's group commit (fsync) before answering 250.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        Meter.CreateObservableGauge("fastmail.connections.open", ObserveOpen, null, "Connections served now, by listener.");
        Meter.CreateObservableCounter("fastmail.connections.accepted", ObserveAccepted, null, "Connections accepted, by listener.");
        Meter.CreateObservableCounter("fastmail.connections.refused", ObserveRefused, null, "Connections refused by the connection limits, by listener.");
        Meter.CreateObservableGauge("fastmail.queue.depth", () => _sources.QueueDepth?.Invoke() ?? 0, null, "Messages in the outbound queue.");
        Meter.CreateObservableGauge("fastmail.storage.used.bytes", () => _sources.StorageUsedBytes?.Invoke() ?? 0, "By", "Bytes the mail store takes on disk.");
        Meter.CreateObservableGauge("fastmail.storage.free.bytes", ObserveFree, "By", "Free bytes on the file system of the mail store.");
        Meter.CreateObservableGauge("fastmail.uptime.seconds", () => Stopwatch.GetElapsedTime(_started).TotalSeconds, "s", "Seconds since the server started.");
    }

    /// <summary>Metrics that nobody collects: the default of every component, so a call site never checks for null.</summary>
    public static MailMetrics Disabled { get; } = new();

    public Meter Meter { get; }

    /// <summary>How long this server has run.</summary>
    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_started);

    /// <summary>Tells the observable instruments where to read listeners, queue and storage (set once the server runs).</summary>
    public void Observe(MetricSources sources) => _sources = sources;

    public static string ReasonName(RejectReason reason) => ReasonNames[(int)reason];

    /// <summary>
    /// Records 0 for every fixed label value of the counters, so that a collector shows each series from its first scrape
    /// (rate() and alerts need the series before the first event). Command verbs appear when first used.
    /// </summary>
    public void RecordZeroes()
    {
        _accepted.Add(0);
        _receivedBytes.Add(0);
        foreach (var reason in ReasonNames)
        {
            _rejected.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }

        foreach (var protocol in (string[])[Smtp, Pop3, Web])
        {
            _loginFailures.Add(0, new KeyValuePair<string, object?>("protocol", protocol));
        }

        foreach (var outcome in (string[])[Sent, Bounced, Deferred])
        {
            _relayed.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>One command; <paramref name="verb"/> is a constant from the protocol's fixed verb table.</summary>
    public void Command(string protocol, string verb) =>
        _commands.Add(1, new KeyValuePair<string, object?>("protocol", protocol), new KeyValuePair<string, object?>("verb", verb));

    public void MessageAccepted(long bytes)
    {
        _accepted.Add(1);
        _receivedBytes.Add(bytes);
    }

    public void MessageRejected(RejectReason reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", ReasonNames[(int)reason]));

    public void LoginFailed(string protocol) => _loginFailures.Add(1, new KeyValuePair<string, object?>("protocol", protocol));

    public void Relayed(string outcome) => _relayed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The commit that began at <paramref name="startTimestamp"/> (Stopwatch ticks) is durable now.</summary>
    public void CommitFinished(long startTimestamp)
    {
        if (_commitSeconds.Enabled)
        {
            _commitSeconds.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
        }
    }

    private IEnumerable<Measurement<long>> ObserveOpen() => Listeners(static c => c.Open);

    private IEnumerable<Measurement<long>> ObserveAccepted() => Listeners(static c => c.Accepted);

    private IEnumerable<Measurement<long>> ObserveRefused() => Listeners(static c => c.Refused);

    // Once per scrape: allocation here is fine.
    private IEnumerable<Measurement<long>> Listeners(Func<ListenerCounts, long> value)
    {
        var listeners = _sources.Listeners?.Invoke() ?? [];
        return listeners.Select(c => new Measurement<long>(value(c), new KeyValuePair<string, object?>("listener", c.Kind))).ToList();
    }

    private IEnumerable<Measurement<long>> ObserveFree() =>
        _sources.StorageFreeBytes?.Invoke() is { } free ? [new Measurement<long>(free)] : [];

    public void Dispose() => Meter.Dispose();
}
