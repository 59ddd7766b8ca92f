using System.Collections.Concurrent;
using System.Threading.Channels;
using FastMail.Core.Diagnostics;
using FastMail.Core.Services;
using FastMail.Relay.Client;
using FastMail.Relay.Routing;
using Microsoft.Extensions.Logging;

namespace FastMail.Relay.Queue;

/// <summary>
/// The outbound queue manager, in the manner of Postfix's qmgr: every queued message is in memory as a
/// <see cref="QueuedItem"/> (its body stays in the store); a timeline orders messages by their next due attempt; due
/// recipients become delivery jobs per destination domain, run by at most <see cref="RelayLimits.DestinationConcurrency"/>
/// workers per domain, each keeping its SMTP connection for the next job (connection reuse). When a message's round of
/// jobs is settled its state is saved in the store, DSNs go out, and a message with nothing pending leaves the queue.
/// Delivered at least once: a crash between a peer's 250 and the saved state repeats that one transaction.
/// </summary>
public sealed partial class OutboundQueue : IOutboundQueue, IQueueAdmin, IAsyncDisposable
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    private readonly IQueueStore _store;
    private readonly IMailSubmission _submission;
    private readonly IDirectory _directory;
    private readonly NextHopResolver _resolver;
    private readonly RelayClientOptions _clientOptions;
    private readonly RelayClientOptions _tlsRequiredOptions;
    private readonly TlsRequirement _tlsRequirement;
    private readonly QueueOptions _options;
    private readonly RetrySchedule _schedule;
    private readonly RelayLimits _limits;
    private readonly string _reportingHost;
    private readonly string _primaryDomain;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, QueuedItem> _items = new();
    private readonly Channel<long> _arrivals = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PriorityQueue<long, DateTimeOffset> _timeline = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private Task? _scheduler;

    public OutboundQueue(
        IQueueStore store,
        IMailSubmission submission,
        IDirectory directory,
        NextHopResolver resolver,
        RelayClientOptions clientOptions,
        QueueOptions options,
        RelayLimits limits,
        string reportingHost,
        ILogger logger,
        TimeProvider? time = null,
        TlsRequirement? tlsRequirement = null)
    {
        _store = store;
        _submission = submission;
        _directory = directory;
        _resolver = resolver;
        _clientOptions = clientOptions;
        _tlsRequiredOptions = clientOptions with { RequireTls = true };
        _tlsRequirement = tlsRequirement ?? TlsRequirement.None;
        _options = options;
        _schedule = new RetrySchedule(options);
        _limits = limits;
        _reportingHost = reportingHost;
        _primaryDomain = directory.PrimaryDomain;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Messages in the queue now.</summary>
    public int Count => _items.Count;

    /// <summary>Where delivery outcomes are counted (sent, bounced, deferred per recipient); by default nobody collects them.</summary>
    public MailMetrics Metrics { get; init; } = MailMetrics.Disabled;

    /// <summary>Loads every queued message (after a restart: their saved state) and starts delivering.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var id in _store.ListQueued())
        {
            await LoadAsync(id, now, cancellationToken).ConfigureAwait(false);
        }

        if (!_items.IsEmpty)
        {
            RelayLog.QueueLoaded(_logger, _items.Count);
        }

        _scheduler = Task.Run(RunSchedulerAsync, CancellationToken.None);
    }

    /// <inheritdoc />
    public void Enqueued(long id)
    {
        _arrivals.Writer.TryWrite(id);
        _wake.Release();
    }

    /// <inheritdoc />
    public IReadOnlyList<QueuedMessageInfo> List()
    {
        var items = _items.Values.ToArray();
        Array.Sort(items, (a, b) => a.Id.CompareTo(b.Id));
        return Array.ConvertAll(items, item => item.ToInfo());
    }

    /// <inheritdoc />
    public QueuedMessageInfo? Find(long id) => _items.TryGetValue(id, out var item) ? item.ToInfo() : null;

    /// <inheritdoc />
    public int RetryNow(long? id)
    {
        var now = _time.GetUtcNow();
        var count = 0;
        foreach (var item in id is { } one ? (_items.TryGetValue(one, out var found) ? [found] : []) : _items.Values.ToArray())
        {
            lock (item)
            {
                foreach (var recipient in item.Recipients)
                {
                    if (recipient.State == QueuedRecipientState.Pending && !recipient.InFlight)
                    {
                        recipient.NextAttempt = now;
                    }
                }
            }

            Schedule(item.Id, now);
            count++;
        }

        return count;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        if (!_items.TryRemove(id, out var item))
        {
            return false;
        }

        lock (item)
        {
            item.Deleted = true;
        }

        await _store.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        RelayLog.Deleted(_logger, id);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _wake.Release();
        if (_scheduler is { } scheduler)
        {
            await scheduler.ConfigureAwait(false);
        }

        await WaitForWorkersAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoadAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            if (await _store.ReadQueuedAsync(id, cancellationToken).ConfigureAwait(false) is not { } message)
            {
                return;
            }

            var item = QueuedItem.From(message, _directory, now);
            _items[id] = item;
            Schedule(id, item.Recipients.Count == 0 ? now : NextDue(item) ?? now);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RelayLog.LoadFailed(_logger, id, e);
        }
    }

    private void Schedule(long id, DateTimeOffset due)
    {
        lock (_timeline)
        {
            _timeline.Enqueue(id, due);
        }

        _wake.Release();
    }

    private static DateTimeOffset? NextDue(QueuedItem item)
    {
        DateTimeOffset? next = null;
        foreach (var recipient in item.Recipients)
        {
            if (recipient.State == QueuedRecipientState.Pending && (next is null || recipient.NextAttempt < next))
            {
                next = recipient.NextAttempt;
            }
        }

        return next;
    }

    private async Task RunSchedulerAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            while (_arrivals.Reader.TryRead(out var id))
            {
                await LoadAsync(id, _time.GetUtcNow(), stop).ConfigureAwait(false);
            }

            var wait = DispatchDue();
            try
            {
                await _wake.WaitAsync(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Turns every due message into jobs; returns how long until the next one is due.</summary>
    private TimeSpan DispatchDue()
    {
        var now = _time.GetUtcNow();
        while (true)
        {
            long id;
            lock (_timeline)
            {
                if (!_timeline.TryPeek(out id, out var due))
                {
                    return IdleWait;
                }

                if (due > now)
                {
                    var wait = due - now;
                    return wait < IdleWait ? wait : IdleWait;
                }

                _timeline.Dequeue();
            }

            if (_items.TryGetValue(id, out var item))
            {
                Dispatch(item, now);
            }
        }
    }
}
