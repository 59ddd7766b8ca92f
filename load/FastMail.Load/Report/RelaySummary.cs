namespace FastMail.Load.Report;

/// <summary>What the sink saw of a relay run, matched against what the senders had acknowledged.</summary>
internal sealed class RelaySummary
{
    /// <summary>Messages the senders started (MAIL FROM sent).</summary>
    public required long Attempted { get; init; }

    /// <summary>Messages the relaying server answered 250 to after DATA: it took responsibility for them.</summary>
    public required long Acknowledged { get; init; }

    /// <summary>Acknowledged messages that reached the sink (at least once).</summary>
    public required long Delivered { get; init; }

    /// <summary>Acknowledged messages that never reached the sink before the drain timeout: lost or still queued.</summary>
    public required long Missing { get; init; }

    /// <summary>Arrivals beyond the first of the same message id.</summary>
    public required long Duplicates { get; init; }

    /// <summary>Messages whose submission failed on the client side yet arrived (allowed, RFC 5321 6.1; not a duplicate).</summary>
    public required long DeliveredUnacknowledged { get; init; }

    /// <summary>Arrivals whose X-Load-Id this run never sent (leftovers from an earlier run).</summary>
    public required long Unexpected { get; init; }

    /// <summary>Arrivals without an X-Load-Id header at all.</summary>
    public required long WithoutId { get; init; }

    /// <summary>Arrivals whose body no longer matches its checksum line.</summary>
    public required long Corrupt { get; init; }

    /// <summary>Arrivals seen before their sender read the 250 (their after-ack latency counts as 0).</summary>
    public required long ArrivedBeforeAck { get; init; }

    /// <summary>First MAIL FROM to last 250 after DATA.</summary>
    public required TimeSpan SubmitWindow { get; init; }

    /// <summary>First 250 after DATA to the last first arrival at the sink.</summary>
    public required TimeSpan DeliverWindow { get; init; }

    /// <summary>Sink arrival minus the time the sender got 250: the time the relay held the message.</summary>
    public required MetricTally AfterAck { get; init; }

    /// <summary>Sink arrival minus the time the sender sent MAIL FROM: submission included.</summary>
    public required MetricTally AfterSubmit { get; init; }

    /// <summary>Connections the sink accepted (how much the relay reused them).</summary>
    public long SinkConnections { get; init; }

    public double SubmittedPerSecond => SubmitWindow.TotalSeconds <= 0 ? 0 : Acknowledged / SubmitWindow.TotalSeconds;

    public double DeliveredPerSecond => DeliverWindow.TotalSeconds <= 0 ? 0 : Delivered / DeliverWindow.TotalSeconds;

    /// <summary>Every acknowledged message arrived exactly once, intact.</summary>
    public bool Clean => Acknowledged > 0 && Missing == 0 && Duplicates == 0 && Corrupt == 0;
}
