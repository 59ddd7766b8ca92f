using System.Collections.Concurrent;
using System.Diagnostics;
using FastMail.Load.Messages;
using FastMail.Load.Report;

namespace FastMail.Load.Scenarios;

/// <summary>
/// The relay scenario's book of every message: when the sender started it, when the relaying
/// server acknowledged it (250 after DATA), and when and how often it arrived at the sink.
/// Senders and the sink live in one process, so all three are <see cref="Stopwatch.GetTimestamp"/>
/// readings of one clock and need no header to carry a time. Latencies are computed only at the
/// end, so a message that reaches the sink before its sender has read the 250 (a relay that
/// forwards before it answers, or the direct path) is still matched.
/// </summary>
internal sealed class RelayLedger
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _unexpected;
    private long _corrupt;
    private long _withoutId;

    /// <summary>The sender is about to send MAIL FROM for <paramref name="id"/>.</summary>
    public void Submitting(string id, long timestamp) => _entries[id] = new Entry { Submitted = timestamp };

    /// <summary>The relaying server answered 250 to the end of DATA for <paramref name="id"/>.</summary>
    public void Acknowledged(string id, long timestamp)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            Volatile.Write(ref entry.Acknowledged, timestamp);
        }
    }

    /// <summary>
    /// The sink received a whole message. <paramref name="id"/> is its X-Load-Id (null when it has
    /// none); <paramref name="verify"/> is the checksum check of the message as received.
    /// </summary>
    public void Arrived(string? id, VerifyResult verify, long timestamp)
    {
        if (verify == VerifyResult.Corrupt)
        {
            Interlocked.Increment(ref _corrupt);
        }
        if (id is null)
        {
            Interlocked.Increment(ref _withoutId);
            return;
        }
        if (!_entries.TryGetValue(id, out var entry))
        {
            // Not sent by this run: a leftover of an earlier run still in the relay's queue.
            Interlocked.Increment(ref _unexpected);
            return;
        }
        if (Interlocked.Increment(ref entry.Arrivals) == 1)
        {
            Volatile.Write(ref entry.FirstArrival, timestamp);
        }
    }

    /// <summary>Acknowledged messages that have not reached the sink yet.</summary>
    public long Pending()
    {
        long pending = 0;
        foreach (var (_, entry) in _entries)
        {
            if (Volatile.Read(ref entry.Acknowledged) != 0 && Volatile.Read(ref entry.Arrivals) == 0)
            {
                pending++;
            }
        }
        return pending;
    }

    public long AcknowledgedCount()
    {
        long count = 0;
        foreach (var (_, entry) in _entries)
        {
            if (Volatile.Read(ref entry.Acknowledged) != 0)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Counts, rates and latencies over everything recorded so far.</summary>
    public RelaySummary Summarize()
    {
        var fromAck = new MetricTally("sink-after-ack");
        var fromSubmit = new MetricTally("sink-after-submit");
        long acknowledged = 0, delivered = 0, missing = 0, duplicates = 0, unacknowledgedDelivered = 0, beforeAck = 0;
        long firstSubmit = long.MaxValue, firstAck = long.MaxValue, lastAck = long.MinValue, lastArrival = long.MinValue;
        foreach (var (_, entry) in _entries)
        {
            var arrivals = Volatile.Read(ref entry.Arrivals);
            duplicates += Math.Max(0, arrivals - 1);
            if (entry.Acknowledged == 0)
            {
                // Failed on the client side (timeout, reset) after DATA may already have been taken:
                // arriving anyway is allowed by RFC 5321 6.1 and not a duplicate.
                unacknowledgedDelivered += arrivals > 0 ? 1 : 0;
                continue;
            }
            acknowledged++;
            firstSubmit = Math.Min(firstSubmit, entry.Submitted);
            firstAck = Math.Min(firstAck, entry.Acknowledged);
            lastAck = Math.Max(lastAck, entry.Acknowledged);
            if (arrivals == 0)
            {
                missing++;
                continue;
            }
            delivered++;
            lastArrival = Math.Max(lastArrival, entry.FirstArrival);
            var afterAck = entry.FirstArrival - entry.Acknowledged;
            if (afterAck < 0)
            {
                beforeAck++;
                afterAck = 0;
            }
            fromAck.RecordOk(Stopwatch.GetElapsedTime(0, afterAck));
            fromSubmit.RecordOk(Stopwatch.GetElapsedTime(entry.Submitted, entry.FirstArrival));
        }
        return new RelaySummary
        {
            Attempted = _entries.Count,
            Acknowledged = acknowledged,
            Delivered = delivered,
            Missing = missing,
            Duplicates = duplicates,
            DeliveredUnacknowledged = unacknowledgedDelivered,
            Unexpected = Interlocked.Read(ref _unexpected),
            WithoutId = Interlocked.Read(ref _withoutId),
            Corrupt = Interlocked.Read(ref _corrupt),
            ArrivedBeforeAck = beforeAck,
            SubmitWindow = acknowledged > 0 ? Stopwatch.GetElapsedTime(firstSubmit, lastAck) : TimeSpan.Zero,
            DeliverWindow = delivered > 0 ? Stopwatch.GetElapsedTime(firstAck, Math.Max(firstAck, lastArrival)) : TimeSpan.Zero,
            AfterAck = fromAck,
            AfterSubmit = fromSubmit,
        };
    }

    private sealed class Entry
    {
        public long Submitted;
        public long Acknowledged;
        public long FirstArrival;
        public int Arrivals;
    }
}
